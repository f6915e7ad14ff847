// Names are checked at start-up against each store's rules, so that a typo fails before any
// connection is opened rather than as a server error halfway through a run.
import { unquoteIdentifier } from "../core/cql-identifier.js";
import {
  CQL_NAME_RULE,
  cqlNameProblem,
  recordIndexNameProblem,
  MAX_CQL_NAME_LENGTH,
  STATE_KEY_RULE,
  stateKeyProblem,
} from "../core/names.js";
import {
  parseDeadLetterLocation,
  parseStateLocation,
  type DeadLetterLocation,
  type StateLocation,
} from "../core/state-location.js";
import { asText, invalid, quoted } from "./values.js";
import type { Setting } from "./values.js";

const FIELD = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** A Cassandra keyspace or table name. */
export function cqlName(setting: Setting, text = asText(setting)): string {
  const problem = cqlNameProblem(text);
  if (problem !== undefined) {
    throw invalid(setting, `"${text}" is not a Cassandra name (${problem}): use ${CQL_NAME_RULE}`);
  }
  return text;
}

/**
 * A field of the documents (`--type-field`): a plain name, as it is also written in queries, that
 * starts with a letter.
 */
export function fieldName(setting: Setting): string {
  const text = asText(setting);
  if (!FIELD.test(text)) {
    throw invalid(setting, `"${text}" is not a field name: a letter, then letters, digits, underscores`);
  }
  // Every document holds this field, and the search side refuses a document or mapping with a field
  // of its own names (_id, _source, _routing, and more with each release), as for a column's field.
  if (text.startsWith("_")) {
    throw invalid(
      setting,
      `"${text}" starts with _, which Elasticsearch and OpenSearch keep for their own fields: ` +
        "give the type field a name that starts with a letter, such as type or kind",
    );
  }
  return text;
}

/**
 * A column as Cassandra lists it: a quoted name may hold any character (`last-modified`), and one
 * written in CQL's quotes has them taken off, as in the config file's table settings.
 */
export function columnName(setting: Setting): string {
  const text = unquoteIdentifier(asText(setting).trim());
  if (text === "")
    throw invalid(setting, `"${asText(setting)}" is not a column name: give the column's name`);
  return text;
}

/** An index name with room for the `-<table>` that the index-per-table layout appends to it. */
export function indexName(setting: Setting, text = asText(setting)): string {
  const problem = recordIndexNameProblem(text, 1 + MAX_CQL_NAME_LENGTH);
  if (problem !== undefined)
    throw invalid(setting, `"${text}" is not a valid Elasticsearch index name: ${problem}`);
  return text;
}

/** The state key: it becomes a file name, a row key and a document id, so it stays plain. */
export function stateKey(setting: Setting): string {
  const text = asText(setting);
  const problem = stateKeyProblem(text);
  if (problem !== undefined)
    throw invalid(setting, `"${text}" is not a valid name (${problem}): use ${STATE_KEY_RULE}`);
  return text;
}

export function stateLocation(setting: Setting): StateLocation {
  return parseStateLocation(asText(setting), setting.source);
}

export function deadLetterLocation(setting: Setting): DeadLetterLocation {
  return parseDeadLetterLocation(asText(setting), setting.source);
}

/** http or https URLs; credentials in them would be printed with the nodes, so they are refused. */
export function nodeUrl(setting: Setting, text: string): string {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw invalid(
      setting,
      `${quoted(setting, text)} is not a URL; write it as http://host:9200 or https://host:9200`,
    );
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") {
    throw invalid(setting, `"${text}" must start with http:// or https://`);
  }
  if (url.username !== "" || url.password !== "") {
    throw invalid(
      setting,
      "a node URL must not hold credentials; use --es-username with SYNCED_ES_PASSWORD, or SYNCED_ES_API_KEY",
    );
  }
  return text.replace(/\/+$/, "");
}

/** `host`, `host:port` or `[v6]:port`; a URL here is a common slip from the Elasticsearch options. */
export function contactPoint(setting: Setting, text: string): string {
  if (text.includes("://") || /\s/.test(text)) {
    throw invalid(setting, `"${text}" is not a host: give a host name or IP address, optionally with :port`);
  }
  return text;
}
