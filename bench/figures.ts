// The six figures: for each, synced's value, the value it is compared with, their ratio and the
// target. Targets are reported, never asserted: a missed target is a finding, not a failure.
import type { Measurements } from "./measurements.js";
import type { Figure } from "./options.js";
import { perSecond } from "./raw-loads.js";
import { yardstick, type Yardstick } from "./yardstick.js";

export type Unit = "docs/s" | "rows/s" | "s" | "MB";

export interface FigureResult {
  readonly figure: Figure;
  readonly label: string;
  readonly unit: Unit;
  readonly synced: number;
  readonly raw: number;
  readonly ratio: number;
  readonly target: string;
  readonly met: boolean;
  /** What the two columns hold when both are synced's own runs (figures 4 to 6). */
  readonly columns?: string;
  /** Figures 1 and 2: synced's process against the copy script a user would write instead. */
  readonly yardstick?: Yardstick;
  readonly details: Record<string, unknown>;
}

const fmt = (n: number): string => n.toLocaleString("en-US");

function rate(count: number, ms: number): number {
  return ms > 0 ? (count * 1000) / ms : 0;
}

async function backfillToElasticsearch(m: Measurements): Promise<FigureResult> {
  const raw = await m.rawBulkLoad();
  // The script first, as in figure 2, so that neither side always reads what the other just read.
  const script = await m.copyScriptToElasticsearch();
  const synced = await m.syncedToElasticsearch();
  const syncedRate = rate(synced.written, synced.durationMs);
  const rawRate = perSecond(raw);
  const ratio = syncedRate / rawRate;
  const tuning = await m.bulkTuning();
  return {
    figure: 1,
    label: `C* -> ES backfill (${fmt(m.records)} records)`,
    unit: "docs/s",
    synced: syncedRate,
    raw: rawRate,
    ratio,
    target: ">= 0.8",
    met: ratio >= 0.8,
    yardstick: yardstick("copy-to-elasticsearch", synced, script),
    details: { synced, raw, tuning, sampleSize: m.bulkSampleSize },
  };
}

async function backfillToCassandra(m: Measurements): Promise<FigureResult> {
  const raw = await m.rawCassandraLoad();
  // The script first: synced's run is the last to read the index, and removes it.
  const script = await m.copyScriptToCassandra();
  const synced = await m.syncedToCassandra();
  const syncedRate = rate(synced.written, synced.durationMs);
  const rawRate = perSecond(raw);
  const ratio = syncedRate / rawRate;
  const tuning = await m.cassandraTuning();
  return {
    figure: 2,
    label: `ES -> C* backfill (${fmt(m.records)} records)`,
    unit: "rows/s",
    synced: syncedRate,
    raw: rawRate,
    ratio,
    target: ">= 0.8",
    met: ratio >= 0.8,
    yardstick: yardstick("copy-to-cassandra", synced, script),
    details: { synced, raw, tuning, sampleSize: m.sampleSize },
  };
}

async function equalRerun(m: Measurements): Promise<FigureResult> {
  const raw = await m.rawRead();
  const synced = await m.syncedRerun();
  const ratio = synced.durationMs / raw.ms;
  return {
    figure: 3,
    label: `Rerun, equal range (${fmt(m.records)} records)`,
    unit: "s",
    synced: synced.durationMs / 1000,
    raw: raw.ms / 1000,
    ratio,
    target: "<= 1.5",
    met: ratio <= 1.5,
    details: { synced, raw },
  };
}

async function incrementalScaling(m: Measurements, changed: number, scale: number): Promise<FigureResult> {
  // The large table first: loading it leaves Cassandra compacting, which should not fall between
  // the two runs being compared.
  await m.syncedLargeToElasticsearch();
  const small = await m.incremental(false, changed);
  const large = await m.incremental(true, changed);
  const ratio = large.synced.durationMs / small.synced.durationMs;
  return {
    figure: 4,
    label: `Incremental, ${fmt(changed)} changed (${scale}R / R)`,
    unit: "s",
    synced: large.synced.durationMs / 1000,
    raw: small.synced.durationMs / 1000,
    ratio,
    target: "<= 1.2",
    met: ratio <= 1.2,
    columns: `synced at ${fmt(m.largeRecords)} records, raw column: synced at ${fmt(m.records)}`,
    details: { small, large },
  };
}

async function incrementalShare(m: Measurements, changed: number): Promise<FigureResult> {
  const full = await m.syncedToElasticsearch();
  const incremental = await m.incremental(false, changed);
  const ratio = incremental.synced.durationMs / full.durationMs;
  return {
    figure: 5,
    label: `Incremental 1 % (${fmt(changed)}) / backfill`,
    unit: "s",
    synced: incremental.synced.durationMs / 1000,
    raw: full.durationMs / 1000,
    ratio,
    target: "<= 0.05",
    met: ratio <= 0.05,
    columns: "synced incremental run at R, raw column: synced's C* -> ES backfill at R",
    details: { incremental, full },
  };
}

async function peakMemory(m: Measurements, scale: number): Promise<FigureResult> {
  const small = await m.syncedToElasticsearch();
  const large = await m.syncedLargeToElasticsearch();
  const mb = (kb: number): number => kb / 1024;
  const ratio = large.maxRssKb / small.maxRssKb;
  return {
    figure: 6,
    label: `Peak RSS, C* -> ES backfill (${scale}R / R)`,
    unit: "MB",
    synced: mb(large.maxRssKb),
    raw: mb(small.maxRssKb),
    ratio,
    target: "<= 1.15, each <= 300 MB",
    met: ratio <= 1.15 && mb(large.maxRssKb) <= 300 && mb(small.maxRssKb) <= 300,
    columns: `synced at ${fmt(m.largeRecords)} records, raw column: synced at ${fmt(m.records)}`,
    details: { small, large },
  };
}

async function lookbackCost(m: Measurements, changed: number): Promise<FigureResult> {
  const cost = await m.lookbackCost(changed);
  const ratio = cost.withWindow.durationMs / cost.without.durationMs;
  return {
    figure: 7,
    label: `Incremental from a checkpoint, ${fmt(changed)} changed (look-back 10m / 0)`,
    unit: "s",
    synced: cost.withWindow.durationMs / 1000,
    raw: cost.without.durationMs / 1000,
    ratio,
    target: "<= 1.5",
    met: ratio <= 1.5,
    columns: "synced with the default --lookback, raw column: synced with --lookback 0",
    details: { ...cost },
  };
}

/** One figure; the measurements it needs are made on the way, or reused if an earlier figure made them. */
export function measureFigure(
  figure: Figure,
  m: Measurements,
  settings: { readonly changed: number; readonly scale: number },
): Promise<FigureResult> {
  switch (figure) {
    case 1:
      return backfillToElasticsearch(m);
    case 2:
      return backfillToCassandra(m);
    case 3:
      return equalRerun(m);
    case 4:
      return incrementalScaling(m, settings.changed, settings.scale);
    case 5:
      return incrementalShare(m, Math.max(1, Math.floor(m.records / 100)));
    case 6:
      return peakMemory(m, settings.scale);
    case 7:
      return lookbackCost(m, settings.changed);
  }
}
