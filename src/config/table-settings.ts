// The config file's `tables:` mapping: per-table settings, keyed by table name. Each setting is one
// parser in SETTINGS, so a new one is one more key there and in core/table-settings.ts. Everything a
// file alone can show wrong is refused here, before anything connects; what needs the schema (a table
// or column that does not exist, a rename onto another column) is the plan's to refuse.
import { unquoteIdentifier } from "../core/cql-identifier.js";
import { didYouMean } from "../core/did-you-mean.js";
import { durationMillis } from "./duration.js";
import { ConfigError } from "../core/errors.js";
import { cqlNameProblem, CQL_NAME_RULE, recordIndexNameProblem } from "../core/names.js";
import {
  settingSource,
  TABLE_SETTING_NAMES,
  type Rename,
  type TableSettingName,
  type TableSettings,
} from "../core/table-settings.js";

/** Cassandra's longest time to live, 20 years (630,720,000 seconds). */
const MAX_TTL_MS = 630_720_000_000;

type Parsers = {
  readonly [K in TableSettingName]-?: (value: unknown, at: Where) => NonNullable<TableSettings[K]>;
};

/** Where a value was written, to refuse it there. */
interface Where {
  readonly settings: TableSettings;
  readonly path: readonly string[];
}

function refuse(at: Where, problem: string): ConfigError {
  const source = settingSource(at.settings, ...at.path);
  return new ConfigError("config", source, `${problem}.`, {
    details: { table: at.settings.table, key: source.kind === "file" ? source.key : undefined },
  });
}

const inner = (at: Where, key: string): Where => ({ settings: at.settings, path: [...at.path, key] });

/**
 * A column as Cassandra lists it. A quoted name may hold any character (`"e-mail"`, `"Last Name"`),
 * so any name is taken; one written in CQL's own quotes has them taken off, so a name copied from a
 * CREATE TABLE statement works too.
 */
function columnName(at: Where, value: unknown): string {
  const text = typeof value === "string" ? unquoteIdentifier(value.trim()) : "";
  if (text === "") {
    throw refuse(
      at,
      `${JSON.stringify(value)} is not a column name: give the column's name as Cassandra lists it`,
    );
  }
  return text;
}

/** A list of columns, or one comma separated string of them; duplicates dropped. */
function columnList(value: unknown, at: Where): string[] {
  const items = Array.isArray(value) ? (value as unknown[]) : [value];
  const columns: string[] = [];
  for (const item of items) {
    if (typeof item !== "string") throw refuse(at, "must be a list of column names, such as [email, name]");
    for (const part of splitNames(item)) {
      if (part.trim() === "") continue;
      const column = columnName(at, part);
      if (!columns.includes(column)) columns.push(column);
    }
  }
  return columns;
}

/** `a, "b,c"` → `a`, `"b,c"`: a comma inside CQL's quotes is part of the name. */
function splitNames(text: string): string[] {
  const parts: string[] = [];
  let start = 0;
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    if (text[i] === '"') quoted = !quoted;
    else if (text[i] === "," && !quoted) {
      parts.push(text.slice(start, i));
      start = i + 1;
    }
  }
  parts.push(text.slice(start));
  return parts;
}

const SETTINGS: Parsers = {
  index(value, at) {
    if (typeof value !== "string" || value.trim() === "") {
      throw refuse(at, "must be the name of an index or alias, such as people");
    }
    const name = value.trim();
    const problem = recordIndexNameProblem(name);
    if (problem !== undefined) throw refuse(at, `"${name}" is not a valid index name: ${problem}`);
    return name;
  },
  id(value, at) {
    const columns = columnList(value, at);
    if (columns.length === 0)
      throw refuse(at, "must name the table's key columns, such as [tenant, user_id]");
    return columns;
  },
  timestamp: (value, at) => columnName(at, value),
  tombstone: (value, at) => columnName(at, value),
  include: columnList,
  exclude: columnList,
  pipeline(value, at) {
    if (typeof value !== "string" || value.trim() === "" || /\s/.test(value.trim())) {
      throw refuse(at, "must be the id of an ingest pipeline, such as add-geo");
    }
    return value.trim();
  },
  routing(value, at) {
    if (typeof value !== "string") {
      throw refuse(at, "must be the name of one of the table's key columns, such as tenant");
    }
    return columnName(at, value);
  },
  ttl(value, at) {
    const advice =
      "give how long a row lives after its version, in whole seconds from 1s to Cassandra's longest, " +
      "7300d, such as 30d or 12h";
    if (typeof value !== "string") throw refuse(at, `${JSON.stringify(value)} is not a duration: ${advice}`);
    const ms = durationMillis(value);
    if (typeof ms !== "number") throw refuse(at, ms.problem.replace(/\.$/, ""));
    if (ms < 1000 || ms % 1000 !== 0 || ms > MAX_TTL_MS) {
      throw refuse(at, `"${value.trim()}" is not a time to live Cassandra takes: ${advice}`);
    }
    return ms / 1000;
  },
  rename(value, at) {
    if (!isMapping(value)) throw refuse(at, "must map columns to field names, such as `email: mail`");
    const renames: Rename[] = [];
    for (const [key, field] of Object.entries(value)) {
      const here = inner(at, key);
      const column = columnName(here, key);
      if (typeof field !== "string" || field.trim() === "") {
        throw refuse(here, "must be the name of the field the column becomes, a non-empty string");
      }
      const name = field.trim();
      // A dotted name is an object path to Elasticsearch, and _id, _source... are its own fields.
      if (name.includes(".") || name.startsWith("_")) {
        throw refuse(here, `"${name}" cannot be a field name: it holds a dot or starts with _`);
      }
      const taken = renames.find((r) => r.field === name);
      if (taken !== undefined) {
        throw refuse(here, `'${taken.column}' is renamed to '${name}' too; give each column its own field`);
      }
      renames.push({ column, field: name });
    }
    return renames;
  },
};

/** The settings of every table the mapping names, in the file's order. */
export function parseTableSettings(file: string, value: Readonly<Record<string, unknown>>): TableSettings[] {
  const all: TableSettings[] = [];
  for (const [table, entry] of Object.entries(value)) {
    const at: Where = { settings: { table, file }, path: [] };
    const problem = cqlNameProblem(table);
    if (problem !== undefined)
      throw refuse(at, `'${table}' is not a table name (${problem}): use ${CQL_NAME_RULE}`);
    const twin = all.find((s) => s.table.toLowerCase() === table.toLowerCase());
    if (twin !== undefined)
      throw refuse(at, `table ${twin.table} has settings already; keep them under one name`);
    if (entry === null || entry === undefined) {
      all.push(at.settings);
      continue;
    }
    if (!isMapping(entry)) throw refuse(at, "must be a mapping of settings, such as `index: people`");
    all.push(parseEntry(at.settings, entry));
  }
  return all;
}

function parseEntry(base: TableSettings, entry: Readonly<Record<string, unknown>>): TableSettings {
  const settings: Record<string, unknown> = { ...base };
  for (const [key, value] of Object.entries(entry)) {
    const at: Where = { settings: base, path: [key] };
    if (!isSettingName(key)) {
      const guess = didYouMean(key, TABLE_SETTING_NAMES);
      throw refuse(
        at,
        `not a table setting.${guess === undefined ? "" : ` Did you mean ${guess}?`} A table's settings ` +
          `are ${TABLE_SETTING_NAMES.join(", ")}`,
      );
    }
    if (value === null || value === undefined) continue;
    settings[key] = SETTINGS[key](value, at);
  }
  const parsed = settings as unknown as TableSettings;
  if (parsed.timestamp !== undefined && parsed.timestamp === parsed.tombstone) {
    throw refuse(
      { settings: base, path: ["tombstone"] },
      `'${parsed.timestamp}' is the timestamp column too: a record's version and its delete marker ` +
        "are two columns",
    );
  }
  if (parsed.timestamp !== undefined && parsed.id?.includes(parsed.timestamp) === true) {
    throw refuse(
      { settings: base, path: ["id"] },
      `'${parsed.timestamp}' is the timestamp column: list the key columns without it`,
    );
  }
  // An empty include most often stands for "no include" (a template's empty list): taken as given it
  // would sync the key, version and delete columns alone and leave every other field as it is.
  if (parsed.include?.length === 0) {
    throw refuse(
      { settings: base, path: ["include"] },
      "lists no column, which would sync only the key, timestamp and tombstone columns: list the " +
        "columns to sync, or leave include out to sync every column",
    );
  }
  if (parsed.include !== undefined && parsed.exclude !== undefined) {
    throw refuse(
      { settings: base, path: ["exclude"] },
      "include and exclude are both given: list the columns to sync in include, or those to leave " +
        "alone in exclude, not both",
    );
  }
  return parsed;
}

function isSettingName(key: string): key is TableSettingName {
  return (TABLE_SETTING_NAMES as readonly string[]).includes(key);
}

export function isMapping(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
