// Names are checked at start-up against each store's rules, so that a typo fails before any
// connection is opened rather than as a server error halfway through a run.
import { parseStateLocation, type StateLocation } from "../state/open-state-store.js";
import { StateError } from "../state/state-errors.js";
import { asText, invalid, quoted } from "./values.js";
import type { Setting } from "./values.js";

const CQL_NAME = /^[A-Za-z0-9_]{1,48}$/;
const COLUMN = /^[A-Za-z_][A-Za-z0-9_]*$/;
const STATE_KEY = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;

/** A Cassandra keyspace or table name: letters, digits and underscores, at most 48. */
export function cqlName(setting: Setting, text = asText(setting)): string {
  if (!CQL_NAME.test(text)) {
    throw invalid(setting, `"${text}" is not a Cassandra name: use 1 to 48 letters, digits or underscores`);
  }
  return text;
}

export function columnName(setting: Setting): string {
  const text = asText(setting);
  if (!COLUMN.test(text)) {
    throw invalid(
      setting,
      `"${text}" is not a column name: a letter or underscore, then letters, digits, underscores`,
    );
  }
  return text;
}

/** Elasticsearch's index name rules, minus the byte limit the per-table suffix makes moot. */
export function indexName(setting: Setting, text = asText(setting)): string {
  const problem =
    text !== text.toLowerCase()
      ? "has upper-case letters"
      : /[\\/*?"<>| ,#:]/.test(text)
        ? 'contains one of \\ / * ? " < > | , # : or a space'
        : /^[-_+]/.test(text)
          ? "starts with -, _ or +"
          : text === "." || text === ".."
            ? "is . or .."
            : Buffer.byteLength(text) > 200
              ? "is longer than 200 bytes"
              : undefined;
  if (problem !== undefined)
    throw invalid(setting, `"${text}" is not a valid Elasticsearch index name: it ${problem}`);
  return text;
}

/** The state key: it becomes a file name, a row key and a document id, so it stays plain. */
export function stateKey(setting: Setting): string {
  const text = asText(setting);
  if (!STATE_KEY.test(text)) {
    throw invalid(
      setting,
      `"${text}" is not a valid name: use letters, digits, ".", "_" and "-", at most 128`,
    );
  }
  return text;
}

export function stateLocation(setting: Setting): StateLocation {
  try {
    return parseStateLocation(asText(setting));
  } catch (error) {
    if (error instanceof StateError) throw invalid(setting, error.message);
    throw error;
  }
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
