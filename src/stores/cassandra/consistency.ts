// Consistency levels as the options name them (LOCAL_QUORUM) and as the driver numbers them
// (types.consistencies.localQuorum). One complete table, checked by the compiler both ways: a level
// the options take must have the driver's constant, so no level falls back to a guessed number.
import cassandra from "cassandra-driver";
import type { ConsistencyLevel } from "../../config/options.js";

const { consistencies } = cassandra.types;

const CODES: Readonly<Record<ConsistencyLevel, cassandra.types.consistencies>> = {
  ANY: consistencies.any,
  ONE: consistencies.one,
  TWO: consistencies.two,
  THREE: consistencies.three,
  QUORUM: consistencies.quorum,
  ALL: consistencies.all,
  LOCAL_QUORUM: consistencies.localQuorum,
  EACH_QUORUM: consistencies.eachQuorum,
  SERIAL: consistencies.serial,
  LOCAL_SERIAL: consistencies.localSerial,
  LOCAL_ONE: consistencies.localOne,
};

const NAMES = new Map<number, ConsistencyLevel>(
  Object.entries(CODES).map(([name, code]) => [code, name as ConsistencyLevel]),
);

/** The driver's number for `level`. */
export function consistencyCode(level: ConsistencyLevel): number {
  return CODES[level];
}

/** The option's name of a level the driver reports by number; the number itself if it knows none. */
export function consistencyName(code: number): string {
  return NAMES.get(code) ?? String(code);
}
