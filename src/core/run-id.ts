// The id of a run, a replay or a checkpoint change: it owns the configuration's lease meanwhile and
// marks the run history and the letters it puts. A version 7 UUID begins with the time it was made, so
// ids sort by when their run started, and stay unique across hosts without any coordination.
import { v7 } from "uuid";

export function newRunId(): string {
  return v7();
}
