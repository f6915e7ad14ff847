// Which CQL types a key column may have. A record's id is made of its key values' canonical texts
// (core/table-key.ts), so a key type must give every value Cassandra tells apart a text of its own, and
// one text only: two spellings of one key would make two documents of one row, and one spelling of two
// keys would make one document of two rows. Pure, so a unit test can check every reason.
import { formatCqlType, parseCqlType, type CqlType, type UdtLookup } from "../../core/cql-type.js";

/** The native types a key column may have: each has one canonical text. */
export const KEY_TYPES: ReadonlySet<string> = new Set([
  "uuid",
  "timeuuid",
  "text",
  "ascii",
  "varchar",
  "int",
  "bigint",
  "smallint",
  "tinyint",
  "varint",
  "date",
  "timestamp",
  "inet",
]);

const ALLOWED =
  `a record's id can be made of ${[...KEY_TYPES].join(", ")}, and frozen tuples, user-defined types, ` +
  "lists, sets and maps of those";

// Why a native type Cassandra takes in a key has no one text per key.
const NO_ONE_SPELLING: Readonly<Record<string, string>> = {
  float: "NaN has many bit patterns, which Cassandra keeps as different keys and synced reads as one",
  double: "NaN has many bit patterns, which Cassandra keeps as different keys and synced reads as one",
  decimal:
    "Cassandra takes 1.0 and 1.00 for one clustering value but for two partition keys, and their texts differ",
};

/** Why a column of CQL type `text` cannot be a key column, or undefined when it can. */
export function keyTypeProblem(text: string, lookupUdt: UdtLookup): string | undefined {
  if (KEY_TYPES.has(text)) return undefined;
  let type: CqlType;
  try {
    type = parseCqlType(text, lookupUdt);
  } catch (error) {
    return `${text}: ${error instanceof Error ? error.message : String(error)}`;
  }
  const frozen = type.kind === "tuple" || ("frozen" in type && type.frozen);
  if (type.kind === "native" || type.kind === "vector" || !frozen) return `${text}; ${ALLOWED}`;
  const inside = problemInside(type);
  return inside === undefined ? undefined : `${text}: ${inside}`;
}

// Everything inside a frozen value is frozen, whatever its own type says.
function problemInside(type: CqlType): string | undefined {
  switch (type.kind) {
    case "native": {
      if (KEY_TYPES.has(type.name)) return undefined;
      const why = NO_ONE_SPELLING[type.name];
      return why === undefined
        ? `its ${type.name} values cannot be part of an id; ${ALLOWED}`
        : `its ${type.name} values have no one spelling: ${why}`;
    }
    case "vector":
      return `its ${formatCqlType(type)} values cannot be part of an id; ${ALLOWED}`;
    case "list":
    case "set":
      return problemInside(type.element);
    case "map":
      return problemInside(type.key) ?? problemInside(type.value);
    case "tuple":
      return firstProblem(type.elements);
    case "udt":
      return firstProblem(type.fields.map((field) => field.type));
  }
}

/**
 * The first member type with a problem. A tuple's element or a UDT's field may be a collection: its
 * empty value and null are two keys to Cassandra, and two texts (`[]` and `null`) to the value codec.
 */
function firstProblem(members: readonly CqlType[]): string | undefined {
  for (const type of members) {
    const problem = problemInside(type);
    if (problem !== undefined) return problem;
  }
  return undefined;
}
