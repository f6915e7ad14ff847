// Field mappings for CQL types, and back, in the types both search products share (search/mapping.ts):
// Elasticsearch takes them as they are, and the OpenSearch adapter renames the map type. A mapping
// must accept every canonical value of encode.ts and keep `_source` exact, because values are read
// back from `_source`, never from the index. Where a canonical value is a string the field type
// cannot parse ("NaN", "1E+400", a varint beyond a long, a year past 9999), `ignore_malformed` leaves
// it out of the index only.
//
// - date: `strict_date` reads the whole CQL range, expanded years included ("+5881580-07-11").
// - timestamp: the default formats reject expanded years, so a pattern for Date#toISOString's
//   "+275760-09-13T00:00:00.000Z" comes second.
// - map: `flattened` (searchable by key and value, in the basic licence the test server runs;
//   `flat_object` in OpenSearch, without flattened's parameters).
//   Elasticsearch itself refuses a map key holding "\0" or longer than 32 KB; those rows fail with
//   its reason. `ignore_above` keeps long values out of the index.
// - tuple: an object with `enabled: false`: positional arrays of mixed types fit no field type.
// - vector: a plain array of the element's field. `dense_vector` refuses NaN and infinities, which a
//   CQL vector<float> may hold, and with `index: false` it gives no search either.
import { native, type CqlType, type NativeName, type UdtType } from "../../core/cql-type.js";
import { fieldPath, ValueError } from "../../core/value-error.js";
import {
  MAP_FIELD_TYPE,
  productFieldType,
  type FieldMapping,
  type SearchProductName,
} from "../search/mapping.js";
import { ownValue } from "../../core/own-value.js";

type Mapping = FieldMapping;

const TEXT: Mapping = { type: "text", fields: { keyword: { type: "keyword", ignore_above: 256 } } };
const KEYWORD: Mapping = { type: "keyword", ignore_above: 256 };
export const DATE_FORMAT = "strict_date||strict_date_optional_time";
export const TIMESTAMP_FORMAT = "strict_date_optional_time||uuuu-MM-dd'T'HH:mm:ss.SSSX||epoch_millis";
const FLATTENED_DEFAULT_DEPTH = 20;

const NATIVE_MAPPINGS: Readonly<Record<NativeName, Mapping>> = {
  ascii: TEXT,
  text: TEXT,
  varchar: TEXT,
  boolean: { type: "boolean" },
  tinyint: { type: "byte" },
  smallint: { type: "short" },
  int: { type: "integer" },
  bigint: { type: "long" },
  counter: { type: "long" },
  varint: { type: "double", ignore_malformed: true },
  decimal: { type: "double", ignore_malformed: true },
  float: { type: "float", ignore_malformed: true },
  double: { type: "double", ignore_malformed: true },
  blob: { type: "binary" },
  date: { type: "date", format: DATE_FORMAT, ignore_malformed: true },
  time: KEYWORD,
  timestamp: { type: "date", format: TIMESTAMP_FORMAT, ignore_malformed: true },
  uuid: KEYWORD,
  timeuuid: KEYWORD,
  inet: { type: "ip" },
  duration: KEYWORD,
};

/** The field mapping for a column of `type`. */
export function esMappingFor(type: CqlType): Mapping {
  switch (type.kind) {
    case "native":
      // A copy, so a caller that adjusts one field's mapping does not change every other one.
      return structuredClone(NATIVE_MAPPINGS[type.name]);
    case "list":
    case "set":
    case "vector":
      return esMappingFor(type.element);
    case "map": {
      const depth = objectDepth(type);
      return {
        type: MAP_FIELD_TYPE,
        ignore_above: 256,
        ...(depth > FLATTENED_DEFAULT_DEPTH ? { depth_limit: depth } : {}),
      };
    }
    case "tuple":
      return { type: "object", enabled: false };
    case "udt":
      return {
        type: "object",
        properties: Object.fromEntries(type.fields.map((field) => [field.name, esMappingFor(field.type)])),
      };
  }
}

// How deeply JSON objects nest in the canonical value, which a flattened field limits.
function objectDepth(type: CqlType): number {
  switch (type.kind) {
    case "native":
      return 0;
    case "list":
    case "set":
    case "vector":
      return objectDepth(type.element);
    case "tuple":
      return Math.max(...type.elements.map(objectDepth));
    case "map":
      return 1 + objectDepth(type.value);
    case "udt":
      return 1 + Math.max(...type.fields.map((field) => objectDepth(field.type)));
  }
}

const CQL_FOR_FIELD: Readonly<Record<string, NativeName>> = {
  keyword: "text",
  text: "text",
  match_only_text: "text",
  wildcard: "text",
  constant_keyword: "text",
  search_as_you_type: "text",
  version: "text",
  long: "bigint",
  integer: "int",
  short: "smallint",
  byte: "tinyint",
  token_count: "int",
  unsigned_long: "varint",
  double: "double",
  scaled_float: "double",
  float: "float",
  half_float: "float",
  boolean: "boolean",
  date_nanos: "timestamp",
  binary: "blob",
  ip: "inet",
};

/** A column type for an index field, and the UDTs it needs, in the order to create them. */
export interface CqlTypeFromMapping {
  readonly type: CqlType;
  readonly udts: readonly UdtType[];
}

interface Context {
  readonly keyspace: string;
  readonly product: SearchProductName;
  readonly udts: UdtType[];
}

/**
 * The CQL type for a field mapping, for creating a table from an index. An object becomes a frozen UDT
 * named after `path` ("address.geo" → "address_geo") in `keyspace`; `nested` a list of them. Fields
 * with no exact CQL counterpart (flattened, disabled objects, geo and range types...) are refused
 * with a ValueError that says why, naming the field type as `product` does.
 */
export function cqlTypeForMapping(
  mapping: Mapping,
  path: string,
  keyspace = "",
  product: SearchProductName = "Elasticsearch",
): CqlTypeFromMapping {
  const context = { keyspace, product, udts: [] };
  const type = toCql(mapping, path, path, context, false);
  return { type, udts: context.udts };
}

function toCql(mapping: Mapping, path: string, base: string, context: Context, inUdt: boolean): CqlType {
  const fieldType = mapping.type ?? "object";
  const refuse = (reason: string): never => {
    const named = productFieldType(context.product, fieldType);
    throw new ValueError(path, `${context.product} field type ${named} ${reason}`);
  };
  const simple = ownValue(CQL_FOR_FIELD, fieldType);
  if (simple !== undefined) return native(simple);
  switch (mapping.type) {
    case "date":
      return native(mapping.format === DATE_FORMAT ? "date" : "timestamp");
    case "dense_vector": {
      const element = mapping.element_type ?? "float";
      if (mapping.dims === undefined) return refuse("has no dims yet, so the vector size is unknown");
      if (element === "bit") return refuse("with element_type bit has no CQL counterpart");
      return {
        kind: "vector",
        element: native(element === "byte" ? "tinyint" : "float"),
        dimension: mapping.dims,
      };
    }
    case "nested":
      return {
        kind: "list",
        element: objectToUdt(mapping.properties, path, base, context, refuse),
        frozen: inUdt,
      };
    case "object":
    case undefined:
      if (mapping.enabled === false) return refuse("is disabled, so its contents have no declared type");
      return objectToUdt(mapping.properties, path, base, context, refuse);
    case MAP_FIELD_TYPE:
      return refuse("holds arbitrary JSON, which no CQL type describes");
    default:
      return refuse("has no CQL counterpart");
  }
}

function objectToUdt(
  properties: Record<string, Mapping> | undefined,
  path: string,
  base: string,
  context: Context,
  refuse: (reason: string) => never,
): UdtType {
  const entries = Object.entries(properties ?? {});
  if (entries.length === 0) return refuse("has no properties to make a UDT of");
  const fields = entries.map(([name, child]) => ({
    name,
    type: toCql(child, fieldPath(path, name), `${base}_${name}`, context, true),
  }));
  let name = base;
  for (let n = 2; context.udts.some((udt) => udt.name === name); n++) name = `${base}_${n}`;
  const udt: UdtType = { kind: "udt", keyspace: context.keyspace, name, fields, frozen: true };
  context.udts.push(udt);
  return udt;
}
