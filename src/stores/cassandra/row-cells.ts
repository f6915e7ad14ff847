// The cells of a result row, read by column name without the driver Row's methods: a row holds its
// cells as its own properties, so a column named `get` or `hasOwnProperty` replaces the method of
// that name (Row.get, and Row.keys, which calls hasOwnProperty), and a name a row lacks, such as
// `constructor`, would read what every object inherits.
import type cassandra from "cassandra-driver";
import { ownValue } from "../../core/own-value.js";

type Cells = Readonly<Record<string, unknown>>;

/** The value of `column` in `row`; undefined when the row has no such column. */
export function cell(row: cassandra.types.Row, column: string): unknown {
  return ownValue(row as unknown as Cells, column);
}

/** The names of the columns `row` holds, in the order of the result. */
export function cellNames(row: cassandra.types.Row): string[] {
  return Object.keys(row);
}
