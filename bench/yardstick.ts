// The yardstick of figures 1 and 2: synced's whole process against the copy script a user would write
// instead, each measured as its own node process, start and connect included, as a user waits for
// and pays for both. Targets are printed, never asserted.
import { alignColumns } from "./columns.js";
import { SCRIPT_DESCRIPTIONS, type CopyScript, type ProcessRun } from "./copy-scripts.js";
import type { SyncedResult } from "./run-synced.js";

/** synced's CPU time per record may be at most this many times the script's. */
export const CPU_TARGET = 1.3;
/** synced's wall time may be at most this many times the script's. */
export const WALL_TARGET = 1.0;

export interface Yardstick {
  readonly script: CopyScript;
  readonly description: string;
  readonly synced: ProcessRun;
  readonly copyScript: ProcessRun;
  /** synced's CPU time per record over the script's. */
  readonly cpuRatio: number;
  /** synced's wall time per record over the script's (both copy the same records). */
  readonly wallRatio: number;
  readonly cpuTarget: number;
  readonly wallTarget: number;
  readonly cpuMet: boolean;
  readonly wallMet: boolean;
}

const perRecord = (ms: number, run: ProcessRun): number => ms / Math.max(1, run.records);

export function yardstick(script: CopyScript, syncedRun: SyncedResult, copyScript: ProcessRun): Yardstick {
  const synced: ProcessRun = {
    records: syncedRun.written,
    wallMs: syncedRun.wallMs,
    cpuMs: syncedRun.cpuMs,
    maxRssKb: syncedRun.maxRssKb,
  };
  const cpuRatio = perRecord(synced.cpuMs, synced) / perRecord(copyScript.cpuMs, copyScript);
  const wallRatio = perRecord(synced.wallMs, synced) / perRecord(copyScript.wallMs, copyScript);
  return {
    script,
    description: SCRIPT_DESCRIPTIONS[script],
    synced,
    copyScript,
    cpuRatio,
    wallRatio,
    cpuTarget: CPU_TARGET,
    wallTarget: WALL_TARGET,
    cpuMet: cpuRatio <= CPU_TARGET,
    wallMet: wallRatio <= WALL_TARGET,
  };
}

const fmt = (n: number): string => Math.round(n).toLocaleString("en-US");

/** Records a second over the whole process, and its CPU time with the microseconds it spent a record. */
function figures(run: ProcessRun, unit: string): string {
  const rate = run.wallMs > 0 ? (run.records * 1000) / run.wallMs : 0;
  const micros = (run.cpuMs * 1000) / Math.max(1, run.records);
  return `${fmt(rate)} ${unit}, ${(run.cpuMs / 1000).toFixed(1)} s CPU (${micros.toFixed(0)} µs/record)`;
}

/** One table, a row per figure that has a yardstick, then what the scripts are. */
export function yardstickLines(
  rows: readonly { figure: number; unit: string; yardstick: Yardstick }[],
): string[] {
  if (rows.length === 0) return [];
  const table = [
    [
      "yardstick",
      "synced process",
      "copy script process",
      "CPU/record",
      "target",
      "met",
      "wall",
      "target",
      "met",
    ],
    ...rows.map(({ figure, unit, yardstick: y }) => [
      `${figure}. ${y.script}`,
      figures(y.synced, unit),
      figures(y.copyScript, unit),
      `${y.cpuRatio.toFixed(2)}x`,
      `<= ${y.cpuTarget}`,
      y.cpuMet ? "yes" : "no",
      `${y.wallRatio.toFixed(2)}x`,
      `<= ${y.wallTarget.toFixed(1)}`,
      y.wallMet ? "yes" : "no",
    ]),
  ];
  const lines = alignColumns(table);
  lines.push(
    "  each a node process, start and connect included; ratios are synced's over the script's, per record",
  );
  for (const { figure, yardstick: y } of rows)
    lines.push(`  ${figure}: bench/${y.script}.ts, ${y.description}`);
  return lines;
}
