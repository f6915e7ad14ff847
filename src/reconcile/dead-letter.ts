// Where records that cannot be synced go, with the reason, so they can be inspected and replayed.
import type { Direction } from "../core/direction.js";

export interface DeadLetter {
  readonly table: string;
  readonly direction: Direction;
  /** The store the record was read from. */
  readonly from: "cassandra" | "elasticsearch";
  readonly id: string | undefined;
  readonly reason: string;
  /** The row or document as read, in its canonical or raw form. */
  readonly record: unknown;
}

/**
 * What a dry run shows of a letter it would have stored; `readFrom` is the `_id` of the document a
 * record without an id was read from, by which `dead-letters` would name it.
 */
export type WouldDeadLetter = Pick<DeadLetter, "table" | "direction" | "id" | "reason"> & {
  readonly readFrom?: string;
};

export interface DeadLetterSink {
  /** May hold the letter until `flush`. */
  put(letter: DeadLetter): Promise<void>;
  /** Stores every letter put so far; the engine calls it at the end of each batch. */
  flush(): Promise<void>;
  /** How many letters this run has put. */
  readonly count: number;
  /**
   * How many letters of the table and direction a failed `flush` did not store, once: the table's
   * count is of letters stored, and such a failure fails the run. Absent where every put is stored.
   */
  takeUnstored?(table: string, direction: Direction): number;
  /** Set by a dry run's sink, which stores nothing: a sample of the letters it would have put. */
  readonly wouldPut?: readonly WouldDeadLetter[];
  /**
   * Learns which letters of earlier runs wait, once the run holds its lease (a replay cannot settle
   * them meanwhile); a dry run's sink reads them too, to count late what the real run would, and
   * settles none. What stops it is logged, not thrown.
   */
  prepare?(log: (message: string, fields?: Record<string, unknown>) => void): Promise<void>;
  /**
   * Told of each record the run reconciled in this direction (written, or already held or bettered
   * by the target): a letter waiting for it is settled, as a replay would settle it, at the next
   * `flush`. Otherwise the fixed record's letter waits, and every run exits 3, until a replay.
   * `documentIds` gives the `_id`s a lookup finds the record's document under (its UUIDs in either
   * case), none of which a letter of a document read under another `_id` names; it is asked only of
   * such a letter, as this runs for every record reconciled.
   */
  settle?(table: string, direction: Direction, id: string, documentIds: () => readonly string[]): void;
  /**
   * Whether a letter of an earlier run waits for the record in this direction (and `settle` would
   * settle it): a run met the record and could not write it, so the run that writes it now does not
   * count it as late. Absent, or false for every record, where the run knows of no letters waiting.
   */
  waits?(table: string, direction: Direction, id: string, documentIds: () => readonly string[]): boolean;
  /** How many letters of earlier runs this run settled. */
  readonly settled?: number;
}
