// The state and the dead letters must not live in an index that synced syncs. With -i app, `app` is the
// alias (index-per-table) or the one index (type-field), and every `app-<name>` is, or may become, the
// index of table <name>: a state index there is read as a type, refused as a table, and listed as
// skipped on every run. A layout can change later, so the rule is the same for both.
import { ConfigError } from "../core/errors.js";
import {
  defaultDeadLetterLocation,
  type DeadLetterLocation,
  type StateLocation,
} from "../core/state-location.js";
import type { Layers } from "./layers.js";

/** Why `name` could be one of the indices synced syncs under -i `index`, or undefined. */
function overlap(name: string, index: string): string | undefined {
  if (name === index) return `is -i ${index} itself, the alias over the synced indices or their one index`;
  if (name.startsWith(`${index}-`)) {
    return `starts with '${index}-', as the index of each synced table (${index}-<table>) does`;
  }
  return undefined;
}

/**
 * Refuses, before anything connects, a state or dead-letter index that -i `index` could sync.
 * `index` is empty for `synced status`, which names no synced indices.
 */
export function checkApartFromSynced(
  layers: Layers,
  index: string,
  state: StateLocation,
  deadLetter: DeadLetterLocation | undefined,
): void {
  if (index === "") return;
  const refuse = (option: "state" | "dead-letter", what: string, why: string, remedy: string) =>
    new ConfigError(
      option,
      layers.get(option)?.source,
      `${what} ${why}: synced would take it for a synced table's index. ${remedy}.`,
    );
  const elsewhere = (example: string) =>
    `Choose an index other than ${index} and ${index}-*, such as es:${index}_${example} or es:synced-${example}`;
  if (state.backend === "elasticsearch") {
    const why = overlap(state.index, index);
    if (why !== undefined) throw refuse("state", `the state index '${state.index}'`, why, elsewhere("state"));
  }
  if (deadLetter?.backend === "elasticsearch") {
    const why = overlap(deadLetter.index, index);
    if (why !== undefined) {
      throw refuse("dead-letter", `the dead-letter index '${deadLetter.index}'`, why, elsewhere("letters"));
    }
  }
  if (deadLetter === undefined && state.backend === "elasticsearch") {
    // The key names only a file, so any key gives the index beside the state.
    const beside = defaultDeadLetterLocation(state, "any");
    const why = beside.backend === "elasticsearch" ? overlap(beside.index, index) : undefined;
    if (beside.backend === "elasticsearch" && why !== undefined) {
      throw refuse(
        "state",
        `the dead-letter index '${beside.index}' beside the state index '${state.index}'`,
        why,
        "Give --dead-letter another place, or choose another state index",
      );
    }
  }
}
