// What reading an index's documents costs the cluster, by the way they are asked for: looked up by id
// (as a comparison of two sides looks up the documents of the rows it read) or scanned in a point in
// time (as a plain read does). Run against an index the benchmark kept (`--keep`):
//
//   node dist/bench/index-reads.js bench_<time>-r
//
// Prints each read's wall time and the CPU the cluster's nodes spent on it (their process CPU from
// the nodes stats API, before and after), two rounds of each. Every read counts what it found, so a
// read that stopped early cannot pass for a cheap one.
import { performance } from "node:perf_hooks";
import { setTimeout as delay } from "node:timers/promises";
import type { Client } from "@elastic/elasticsearch";
import { closeClients, connectClients } from "./clients.js";
import { readPointInTime } from "./raw-reads.js";

/** Ids a lookup asks for at once, and lookups in flight: what a run's first direction sends. */
const BATCH = 500;
const IN_FLIGHT = 3;

interface Read {
  readonly label: string;
  /** Reads every document once; resolves with how many it found. */
  readonly run: (client: Client, index: string, ids: readonly string[]) => Promise<number>;
}

/**
 * The CPU time of every node's process. A node caches the figure for its
 * `monitor.process.refresh_interval` (1 s by default), so it is read only after that has passed.
 */
async function clusterCpuMs(client: Client): Promise<number> {
  await delay(1100);
  const stats = await client.nodes.stats({ metric: "process", filter_path: ["nodes.*.process.cpu"] });
  return Object.values(stats.nodes).reduce((sum, node) => sum + (node.process?.cpu?.total_in_millis ?? 0), 0);
}

/** The ids of every document, in one point-in-time read without sources. */
async function allIds(client: Client, index: string): Promise<string[]> {
  const ids: string[] = [];
  const expected = (await client.count({ index })).count;
  await readPointInTime(client, index, {
    size: 5000,
    expected,
    source: false,
    each: (hit) => ids.push(hit._id ?? ""),
  });
  return ids;
}

/** Looks every id up, BATCH at a time, IN_FLIGHT at once; counts the documents found. */
async function lookUp(
  ids: readonly string[],
  lookup: (batch: readonly string[]) => Promise<number>,
): Promise<number> {
  let next = 0;
  let found = 0;
  const worker = async (): Promise<void> => {
    while (next < ids.length) {
      const batch = ids.slice(next, next + BATCH);
      next += BATCH;
      // Read after the await: `found += await ...` would add to the value from before it.
      const n = await lookup(batch);
      found += n;
    }
  };
  await Promise.all(Array.from({ length: IN_FLIGHT }, worker));
  return found;
}

const foundIn = (docs: readonly unknown[]): number =>
  docs.filter((doc) => (doc as { found?: boolean }).found === true).length;

const READS: readonly Read[] = [
  {
    label: "mget, with _source",
    run: (client, index, ids) =>
      lookUp(ids, async (batch) => foundIn((await client.mget({ index, ids: [...batch] })).docs)),
  },
  {
    label: "mget, both spellings of each id",
    run: (client, index, ids) =>
      lookUp(ids, async (batch) =>
        foundIn((await client.mget({ index, ids: batch.flatMap((id) => [id, id.toUpperCase()]) })).docs),
      ),
  },
  {
    label: "mget, _source false",
    run: (client, index, ids) =>
      lookUp(ids, async (batch) =>
        foundIn((await client.mget({ index, ids: [...batch], _source: false })).docs),
      ),
  },
  {
    label: "mget, stored_fields tmstmp",
    run: (client, index, ids) =>
      lookUp(ids, async (batch) =>
        foundIn((await client.mget({ index, ids: [...batch], stored_fields: ["tmstmp"] })).docs),
      ),
  },
  {
    label: "search, ids query, with _source",
    run: (client, index, ids) =>
      lookUp(
        ids,
        async (batch) =>
          (await client.search({ index, size: batch.length, query: { ids: { values: [...batch] } } })).hits
            .hits.length,
      ),
  },
  {
    label: "point in time, pages of 5,000, with sources",
    run: (client, index, ids) => readPointInTime(client, index, { size: 5000, expected: ids.length }),
  },
  {
    label: "point in time, pages of 2,000, without sources",
    run: (client, index, ids) =>
      readPointInTime(client, index, { size: 2000, expected: ids.length, source: false }),
  },
];

async function main(index: string | undefined): Promise<number> {
  if (index === undefined || index.startsWith("-")) {
    process.stderr.write("usage: node dist/bench/index-reads.js <index kept by npm run bench -- --keep>\n");
    return 2;
  }
  const clients = await connectClients();
  try {
    const client = clients.elasticsearch;
    const ids = await allIds(client, index);
    process.stdout.write(
      `${index}: ${ids.length} documents; lookups of ${BATCH} ids, ${IN_FLIGHT} in flight\n`,
    );
    for (let round = 1; round <= 2; round++) {
      for (const read of READS) {
        const cpuBefore = await clusterCpuMs(client);
        const started = performance.now();
        const found = await read.run(client, index, ids);
        const wallMs = performance.now() - started;
        const cpuMs = (await clusterCpuMs(client)) - cpuBefore;
        if (found !== ids.length) throw new Error(`${read.label} found ${found} of ${ids.length} documents`);
        process.stdout.write(
          `${round}  ${read.label.padEnd(48)} wall ${wallMs.toFixed(0).padStart(5)} ms` +
            `  cluster CPU ${String(cpuMs).padStart(5)} ms\n`,
        );
      }
    }
    return 0;
  } finally {
    await closeClients(clients);
  }
}

process.exitCode = await main(process.argv[2]);
