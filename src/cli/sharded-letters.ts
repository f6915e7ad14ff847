// Letters waiting under the keys of the same configuration run under another shard count (a sharded
// backfill beside the unsharded job, or the other way round). Each key keeps its own letters, so the
// run's own count, its exit code and dead-letters without --shard never meet them: the run says they
// are there and which --shard reaches them.
import { otherShardCounts, shardOfKey } from "../state/state-key.js";
import type { StateStore } from "../state/state-store.js";

export interface LettersElsewhere {
  readonly key: string;
  /** The --shard that reaches the key; absent for the unsharded key. */
  readonly shard?: string;
  readonly waiting: number;
}

/**
 * The other shard counts' keys of `key`'s configuration that hold letters, with how many; `count` of a
 * key that cannot be counted (no store of its own) is taken as none.
 */
export async function lettersUnderOtherShardings(
  state: Pick<StateStore, "listKeys">,
  key: string,
  count: (key: string) => Promise<number>,
): Promise<LettersElsewhere[]> {
  const keys = [...otherShardCounts(key, await state.listKeys()).values()].flat();
  const found: LettersElsewhere[] = [];
  for (const other of keys) {
    const waiting = await count(other).catch(() => 0);
    if (waiting === 0) continue;
    const shard = shardOfKey(other);
    found.push({ key: other, ...(shard === undefined ? {} : { shard }), waiting });
  }
  return found;
}

/** The summary's line on them; none where none wait. */
export function lettersElsewhereLines(found: readonly LettersElsewhere[]): string[] {
  const [first] = found;
  if (first === undefined) return [];
  const total = found.reduce((sum, f) => sum + f.waiting, 0);
  const where = (f: LettersElsewhere): string =>
    f.shard === undefined ? "no --shard" : `--shard ${f.shard}`;
  const flag = (f: LettersElsewhere): string => (f.shard === undefined ? "" : ` --shard ${f.shard}`);
  const each = found.length === 1 ? where(first) : found.map((f) => `${where(f)} (${f.waiting})`).join(", ");
  return [
    `dead letters: ${total} more wait${total === 1 ? "s" : ""} under ${each} of this configuration; ` +
      `see them with synced dead-letters list${flag(first)}, replay them once fixed with synced ` +
      `dead-letters replay${flag(first)}${found.length === 1 ? "" : " (and so on for each)"}`,
  ];
}
