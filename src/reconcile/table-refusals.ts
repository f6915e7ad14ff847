// A table refused in a run: the cluster will not take its index, or its schema cannot be mapped. The
// run names it and why, goes on to the other tables, and keeps the checkpoint where it was.
import { TableIndexRefusedError } from "../core/table-index-refusal.js";
import type { SkippedType } from "./run-report.js";

type Log = (message: string, fields?: Record<string, unknown>) => void;

export function refuse(refused: SkippedType[], table: SkippedType, log: Log): void {
  refused.push({ name: table.name, reason: table.reason });
  log(`table ${table.name} is refused: ${table.reason}`, { table: table.name });
}

/**
 * What `work` on one table gives, or undefined where the cluster refuses the table's index (it will
 * not create it, or the index is blocked for writes): the table is refused and the run goes on to the
 * others. Any other failure still stops the run.
 */
export async function refusingTable<T>(
  work: Promise<T>,
  table: string,
  refused: SkippedType[],
  log: Log,
): Promise<T | undefined> {
  try {
    return await work;
  } catch (error) {
    if (!(error instanceof TableIndexRefusedError)) throw error;
    refuse(refused, { name: table, reason: error.reason }, log);
    return undefined;
  }
}
