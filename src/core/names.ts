// The naming rules of both stores and of state keys, each defined once. Every function returns what
// is wrong with a name, or undefined; callers turn that into the error their layer raises (an option
// error at start-up, a state error when a store is opened).

/** Cassandra's limit for keyspace and table names (SchemaConstants.NAME_LENGTH). */
export const MAX_CQL_NAME_LENGTH = 48;
/** Elasticsearch's limit for index names, in UTF-8 bytes. */
export const MAX_INDEX_NAME_BYTES = 255;
/** Keys become directory names, document ids and partition keys; this keeps all three comfortable. */
export const MAX_STATE_KEY_LENGTH = 200;

/** A Cassandra keyspace or table name, as the server allows them. */
export function cqlNameProblem(name: string): string | undefined {
  if (name === "") return "it is empty";
  if (name.length > MAX_CQL_NAME_LENGTH) return `it is ${name.length} characters long`;
  if (!/^[A-Za-z0-9_]+$/.test(name)) return "it holds characters other than letters, digits and underscores";
  return undefined;
}

export const CQL_NAME_RULE = `1 to ${MAX_CQL_NAME_LENGTH} letters, digits or underscores`;

/**
 * Elasticsearch's rules for an index name. `reservedBytes` keeps room for what synced appends (the
 * per-table suffix of an index-per-table layout).
 */
export function indexNameProblem(name: string, reservedBytes = 0): string | undefined {
  const limit = MAX_INDEX_NAME_BYTES - reservedBytes;
  if (name === "") return "it is empty";
  if (name !== name.toLowerCase()) return "it has upper-case letters";
  if (/[\\/*?"<>| ,#:]/.test(name)) return 'it contains one of \\ / * ? " < > | , # : or a space';
  if (/^[-_+]/.test(name)) return "it starts with -, _ or +";
  if (name === "." || name === "..") return "it is . or ..";
  if (Buffer.byteLength(name) > limit) return `it is longer than ${limit} bytes`;
  return undefined;
}

/**
 * An index synced writes an application's records into (-i, a table's `index:`): a valid name that
 * does not start with '.', which both products keep for hidden and system indices. They still make
 * such an index for another name, with a deprecation warning in a response header no run shows, and
 * their next major version refuses it.
 */
export function recordIndexNameProblem(name: string, reservedBytes = 0): string | undefined {
  const problem = indexNameProblem(name, reservedBytes);
  if (problem !== undefined) return problem;
  if (name.startsWith("."))
    return (
      "it starts with '.', which Elasticsearch and OpenSearch keep for hidden and system indices " +
      "(deprecated for others, and refused by their next major version); give a name that starts with " +
      "a letter or digit"
    );
  return undefined;
}

// Windows refuses these as file names whatever the extension.
const RESERVED_FILE_NAME = /^(con|prn|aux|nul|com\d|lpt\d)(\..*)?$/i;

/** A state key: a `--name`, or a derived key. */
export function stateKeyProblem(name: string): string | undefined {
  if (name.length === 0) return "it is empty";
  if (name.length > MAX_STATE_KEY_LENGTH) return `it is ${name.length} characters long`;
  if (!/^[A-Za-z0-9]/.test(name)) return `it starts with ${JSON.stringify(name.charAt(0))}`;
  const bad = /[^A-Za-z0-9._-]/u.exec(name)?.[0];
  if (bad !== undefined) return `it contains ${JSON.stringify(bad)}`;
  if (name.endsWith(".")) return "it ends with '.', which Windows drops from file names";
  if (RESERVED_FILE_NAME.test(name)) return "it is a reserved file name on Windows";
  return undefined;
}

export const STATE_KEY_RULE =
  `letters, digits, '.', '_' and '-', starting with a letter or digit, at most ${MAX_STATE_KEY_LENGTH} ` +
  "characters";
