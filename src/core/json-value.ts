// The canonical value tree shared by both stores. `bigint` holds integers beyond 2^53 exactly and is
// written to Elasticsearch as a plain JSON number; a NumberLiteral holds, as written, a number a
// document holds that a double would change.
import type { NumberLiteral } from "./number-literal.js";

export type JsonValue =
  null | boolean | number | string | bigint | NumberLiteral | JsonValue[] | { [key: string]: JsonValue };
