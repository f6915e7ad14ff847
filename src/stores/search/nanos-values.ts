// Timestamps inside a column's value that its date_nanos fields cannot hold: the cluster refuses the
// whole document over one element of a list or one field of a UDT, naming neither the column nor the
// fix, so each is looked for before the document is sent, as a timestamp column's own value is.
import type { CqlType } from "../../core/cql-type.js";
import type { JsonValue } from "../../core/json-value.js";
import { elementPath, fieldPath } from "../../core/value-error.js";
import type { NanosColumn } from "../../reconcile/table-plan.js";
import { unwritableNanos } from "./timestamps.js";

/** Why the column's canonical value cannot be written to its date_nanos fields, or undefined. */
export function unwritableNanosWithin(
  value: JsonValue | undefined,
  column: NanosColumn,
  index: string,
): string | undefined {
  return look(value, column.type, column.field, column.name, { column, index });
}

interface Looking {
  readonly column: NanosColumn;
  readonly index: string;
}

function look(
  value: JsonValue | undefined,
  type: CqlType,
  field: string,
  path: string,
  looking: Looking,
): string | undefined {
  if (value === null || value === undefined) return undefined;
  switch (type.kind) {
    case "native": {
      if (type.name !== "timestamp" || !looking.column.nanosFields.includes(field)) return undefined;
      const at = path === looking.column.name ? undefined : path;
      return unwritableNanos(value, looking.column.name, field, looking.index, at);
    }
    case "list":
    case "set":
    case "vector": {
      if (!Array.isArray(value)) return undefined;
      for (let i = 0; i < value.length; i++) {
        const refused = look(value[i], type.element, field, elementPath(path, i), looking);
        if (refused !== undefined) return refused;
      }
      return undefined;
    }
    case "udt": {
      if (typeof value !== "object" || Array.isArray(value)) return undefined;
      const record = value as Readonly<Record<string, JsonValue>>;
      for (const f of type.fields) {
        if (!Object.hasOwn(record, f.name)) continue;
        const refused = look(record[f.name], f.type, `${field}.${f.name}`, fieldPath(path, f.name), looking);
        if (refused !== undefined) return refused;
      }
      return undefined;
    }
    // A map is one flattened field and a tuple an object that is not indexed: no date field holds them.
    case "map":
    case "tuple":
      return undefined;
  }
}
