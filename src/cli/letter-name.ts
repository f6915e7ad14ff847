// How a line of text names the record of a dead letter, one way for plan, a dry run, a run and
// `dead-letters`: its id; without one (a document whose key fields give none), the `_id` of the
// document it was read from, by which `dead-letters` finds and replays it.

export function recordName(id: string | undefined, readFrom: string | undefined): string {
  return id ?? (readFrom === undefined ? "(no id)" : `_id ${readFrom}`);
}
