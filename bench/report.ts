// What the benchmark prints and saves: the machine and settings, the table of figures, and the
// details a reader needs to trust them (the tuning trials, the raw read variants).
import { cpus, totalmem } from "node:os";
import { writeFile } from "node:fs/promises";
import type { FigureResult, Unit } from "./figures.js";
import type { BenchOptions } from "./options.js";
import type { ServerVersions } from "./clients.js";
import type { Trial, Tuning } from "./raw-loads.js";
import { alignColumns } from "./columns.js";
import { SETTLE_RULE } from "./settle.js";
import { RAW_READ_SPLITS, type Details } from "./measurements.js";

export interface Machine {
  readonly cpus: number;
  readonly cpuModel: string;
  readonly memoryGiB: number;
  readonly node: string;
  readonly cassandra: string;
  readonly elasticsearch: string;
}

export function machine(versions: ServerVersions): Machine {
  const cores = cpus();
  return {
    cpus: cores.length,
    cpuModel: cores[0]?.model.trim() ?? "unknown",
    memoryGiB: Math.round((totalmem() / 1024 ** 3) * 10) / 10,
    node: process.version,
    cassandra: versions.cassandra,
    elasticsearch: versions.elasticsearch,
  };
}

const fmt = (n: number): string => Math.round(n).toLocaleString("en-US");

function value(n: number, unit: Unit): string {
  switch (unit) {
    case "docs/s":
    case "rows/s":
      return `${fmt(n)} ${unit}`;
    case "s":
      return `${n.toFixed(n < 10 ? 2 : 1)} s`;
    case "MB":
      return `${fmt(n)} MB`;
  }
}

function ratio(n: number): string {
  return n < 0.1 ? n.toFixed(3) : n.toFixed(2);
}

export function headerLines(
  m: Machine,
  options: BenchOptions,
  samples: { readonly cassandra: number; readonly bulk: number },
  keyspace: string,
): string[] {
  return [
    `machine: ${m.cpus} CPUs (${m.cpuModel}), ${m.memoryGiB} GiB RAM, Node ${m.node}, ` +
      `Cassandra ${m.cassandra}, Elasticsearch ${m.elasticsearch}`,
    `settings: records R = ${fmt(options.records)}, scale ${options.scale} (${fmt(options.records * options.scale)}), ` +
      `changed ${fmt(options.changed)}, seed ${options.seed}, tuning samples ${fmt(samples.cassandra)} (C*) and ${fmt(samples.bulk)} (ES), ` +
      `figures ${[...options.only].sort().join(",")}; synced with its default --batch-size, --concurrency, ` +
      `--splits and --slices; keyspace and index prefix ${keyspace}`,
  ];
}

export function figureTable(results: readonly FigureResult[]): string[] {
  const rows = [
    ["figure", "synced", "raw", "ratio", "target", "met"],
    ...results.map((r) => [
      `${r.figure}. ${r.label}`,
      value(r.synced, r.unit),
      value(r.raw, r.unit),
      ratio(r.ratio),
      r.target,
      r.met ? "yes" : "no",
    ]),
  ];
  const lines = alignColumns(rows);
  for (const r of results) if (r.columns) lines.push(`  ${r.figure}: ${r.columns}`);
  return lines;
}

function trials(tuning: Tuning, setting: string, unit: string): string {
  const result = (t: Trial): string =>
    t.rejected === undefined
      ? `${fmt(t.perSecond)} ${unit}${t.setting === tuning.best ? " (best)" : ""}`
      : "refused by the server (429)";
  return tuning.trials.map((t) => `${setting} ${t.setting}: ${result(t)}`).join(", ");
}

export function detailLines(details: Details): string[] {
  const lines: string[] = [];
  if (details.bulkTuning) {
    lines.push(`ES bulk tuning, flushBytes 5 MB: ${trials(details.bulkTuning, "concurrency", "docs/s")}`);
  }
  const load = details.bulkLoad;
  if (load) {
    const refused = load.refused.length > 0 ? ` after the server refused: ${load.refused.join("; ")}` : "";
    lines.push(`ES bulk full load (figure 1 raw): concurrency ${load.concurrency}${refused}`);
  }
  if (details.cassandraTuning) {
    lines.push(`C* insert tuning: ${trials(details.cassandraTuning, "concurrencyLevel", "rows/s")}`);
  }
  const busy = details.settling.filter((note) => !note.quiet);
  const waited = details.settling.reduce((sum, note) => sum + note.waitedMs, 0);
  lines.push(
    `settling: ${SETTLE_RULE}; ${details.settling.length} steps, ${(waited / 1000).toFixed(1)} s waited` +
      (busy.length === 0
        ? ""
        : `; started busy: ${busy.map((n) => `${n.step} (${Math.round(n.busy * 100)} %)`).join(", ")}`),
  );
  const read = details.rawRead;
  if (read) {
    const s = (ms: number): string => `${(ms / 1000).toFixed(2)} s`;
    lines.push(
      `raw read (figure 3): C* paged ${s(read.cassandraPaged.ms)}, C* ${RAW_READ_SPLITS} token splits in ` +
        `parallel ${s(read.cassandraSplits.ms)}, ES point in time ${s(read.elasticsearch.ms)}; ` +
        `the faster C* read plus the ES read: ${s(read.ms)}`,
    );
  }
  return lines;
}

export async function saveResults(path: string, results: unknown): Promise<void> {
  const text = JSON.stringify(results, (_, v: unknown) => (typeof v === "bigint" ? v.toString() : v), 2);
  await writeFile(path, `${text}\n`);
}
