// `--shard i/N`: this process does the i-th of N equal parts of a run, so N processes (a Kubernetes
// Indexed Job, say) share one backfill. Kubernetes gives each pod of an Indexed Job its index in
// JOB_COMPLETION_INDEX, so `--shard /N` takes `i` from there and one pod spec serves every index.
import type { Env } from "./layers.js";
import type { Shard } from "./options.js";
import { asInteger, asText, invalid, type Setting } from "./values.js";

const MAX_SHARDS = 1024;
/**
 * The slices one index may be read in through scrolls: Elasticsearch's and OpenSearch's default
 * `index.max_slices_per_scroll`. A sharded run reads `--slices` slices of each index per shard.
 */
export const MAX_SCROLL_SLICES = 1024;
const INDEX_VARIABLE = "JOB_COMPLETION_INDEX";

export function parseShard(setting: Setting, env: Env): Shard {
  const text = asText(setting);
  const match = /^(\d*)\/(\d+)$/.exec(text);
  if (match === null) {
    throw invalid(
      setting,
      `"${text}" is not i/N: give the shard's index and the number of shards, such as 0/4`,
    );
  }
  const total = Number(match[2]);
  if (total < 1 || total > MAX_SHARDS) {
    throw invalid(setting, `"${text}" has ${total} shards: give from 1 to ${MAX_SHARDS}`);
  }
  const given = match[1] ?? "";
  const indexText = given === "" ? env[INDEX_VARIABLE] : given;
  if (indexText === undefined || !/^\d+$/.test(indexText)) {
    throw invalid(
      setting,
      `"${text}" leaves the index out, and ${INDEX_VARIABLE} ` +
        `${indexText === undefined ? "is not set" : `is "${indexText}", not a number`}: ` +
        `give the index (0/${total}), or run as a pod of a Kubernetes Indexed Job`,
    );
  }
  const index = Number(indexText);
  if (index >= total && given === "") {
    // Kubernetes gives indices up to the Job's completions: a pod past N means the Job and N disagree.
    throw invalid(
      setting,
      `"${text}" leaves the index out, and ${INDEX_VARIABLE} is ${index}, not below the number of ` +
        `shards ${total}: the Job's completions and parallelism must be the N of --shard /N (${total})`,
    );
  }
  if (index >= total) {
    throw invalid(
      setting,
      `shard index ${index} is not below the number of shards ${total}: shards count from 0`,
    );
  }
  return { index, total };
}

/**
 * `--slices`, which a sharded run multiplies by the number of shards: each shard reads its share of
 * `slices × N` scroll slices, and a cluster refuses more than MAX_SCROLL_SLICES, which it would say
 * only once the run had started.
 */
export function parseSlices(setting: Setting, shard: Shard | undefined): number {
  const slices = asInteger(setting, 1, MAX_SCROLL_SLICES);
  if (shard === undefined || slices * shard.total <= MAX_SCROLL_SLICES) return slices;
  const fits = Math.floor(MAX_SCROLL_SLICES / shard.total);
  throw invalid(
    setting,
    `--slices ${slices} with --shard ${shard.index}/${shard.total} reads each index in ` +
      `${slices * shard.total} scroll slices, more than the ${MAX_SCROLL_SLICES} a search cluster allows ` +
      `(index.max_slices_per_scroll): give --slices ${fits} or fewer, or fewer shards`,
  );
}
