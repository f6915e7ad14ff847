// One table drives the command line, the environment names, the config file keys and `--help`, so
// an option cannot exist in one of them and be missing from another.
import { DIRECTION_CHOICES } from "../core/direction.js";
import { LAYOUTS } from "../core/layout.js";
import { CASSANDRA_WRITE_MODES, DEFAULTS, ES_PRODUCTS, ES_VERSIONING_MODES } from "./options.js";

export type OptionGroup = "Range" | "Selection" | "Behaviour" | "Cassandra" | "Elasticsearch" | "Output";
/** value: one value; list: comma separated or repeated; boolean: a switch. */
export type OptionKind = "value" | "list" | "boolean";

interface Extra {
  readonly alias?: string;
  readonly required?: true;
  /** Never printed, never echoed in an error. */
  readonly secret?: true;
}

// [flag, group, kind, extra]: one line each, so the whole interface reads at a glance.
const TABLE = [
  ["begin", "Range", "value", { alias: "b" }],
  ["end", "Range", "value", { alias: "e" }],
  ["lag", "Range", "value", {}],
  ["lookback", "Range", "value", {}],
  ["allow-future-end", "Range", "boolean", {}],
  ["max-future", "Range", "value", {}],
  ["keyspace", "Selection", "value", { alias: "k", required: true }],
  ["index", "Selection", "value", { alias: "i", required: true }],
  ["tables", "Selection", "list", {}],
  ["exclude-tables", "Selection", "list", {}],
  ["direction", "Selection", "value", {}],
  ["layout", "Selection", "value", {}],
  ["type-field", "Selection", "value", {}],
  ["id-column", "Selection", "value", {}],
  ["timestamp-column", "Selection", "value", {}],
  ["tombstone-column", "Selection", "value", {}],
  ["config", "Behaviour", "value", {}],
  ["dry-run", "Behaviour", "boolean", {}],
  ["name", "Behaviour", "value", {}],
  ["state", "Behaviour", "value", {}],
  ["dead-letter", "Behaviour", "value", {}],
  ["create-tables", "Behaviour", "boolean", {}],
  ["create-timestamp-index", "Behaviour", "boolean", {}],
  ["max-errors", "Behaviour", "value", {}],
  ["batch-size", "Behaviour", "value", {}],
  ["concurrency", "Behaviour", "value", {}],
  ["splits", "Behaviour", "value", {}],
  ["slices", "Behaviour", "value", {}],
  ["shard", "Behaviour", "value", {}],
  ["lease-ttl", "Behaviour", "value", {}],
  ["connect-timeout", "Behaviour", "value", {}],
  ["state-timeout", "Behaviour", "value", {}],
  ["retry-window", "Behaviour", "value", {}],
  ["json", "Output", "boolean", {}],
  ["quiet", "Output", "boolean", { alias: "q" }],
  ["verbose", "Output", "boolean", { alias: "v" }],
  ["pushgateway", "Output", "value", {}],
  ["cassandra-contact-points", "Cassandra", "list", {}],
  ["cassandra-port", "Cassandra", "value", {}],
  ["cassandra-local-dc", "Cassandra", "value", {}],
  ["cassandra-read-consistency", "Cassandra", "value", {}],
  ["cassandra-write-consistency", "Cassandra", "value", {}],
  ["cassandra-writes", "Cassandra", "value", {}],
  ["cassandra-username", "Cassandra", "value", {}],
  ["cassandra-password", "Cassandra", "value", { secret: true }],
  ["cassandra-password-file", "Cassandra", "value", {}],
  ["cassandra-tls", "Cassandra", "boolean", {}],
  ["cassandra-tls-ca", "Cassandra", "value", {}],
  ["cassandra-tls-cert", "Cassandra", "value", {}],
  ["cassandra-tls-key", "Cassandra", "value", {}],
  ["cassandra-tls-insecure", "Cassandra", "boolean", {}],
  ["es-nodes", "Elasticsearch", "list", {}],
  ["es-product", "Elasticsearch", "value", {}],
  ["es-versioning", "Elasticsearch", "value", {}],
  ["es-username", "Elasticsearch", "value", {}],
  ["es-password", "Elasticsearch", "value", { secret: true }],
  ["es-password-file", "Elasticsearch", "value", {}],
  ["es-api-key", "Elasticsearch", "value", { secret: true }],
  ["es-api-key-file", "Elasticsearch", "value", {}],
  ["es-tls-ca", "Elasticsearch", "value", {}],
  ["es-tls-cert", "Elasticsearch", "value", {}],
  ["es-tls-key", "Elasticsearch", "value", {}],
  ["es-tls-insecure", "Elasticsearch", "boolean", {}],
] as const satisfies readonly (readonly [string, OptionGroup, OptionKind, Extra])[];

export type Flag = (typeof TABLE)[number][0];

const or = (values: readonly string[]): string => values.join(" | ");
const prefer = (flag: string): string => `Prefer the environment variable or --${flag}-file`;

const DESCRIPTIONS: Record<Flag, string> = {
  begin:
    "Start of the range, inclusive (see Times below); default: the checkpoint, or the earliest version (0001-01-01)",
  end: "End of the range, exclusive; default: now minus --lag",
  lag: "How far behind now the default end stays: covers the Elasticsearch refresh interval and clock skew (at most 30d)",
  lookback:
    "How far before the checkpoint each run reads again, to catch records that became visible late, dated before it; 0 turns it off (at most 30d)",
  "allow-future-end": "Accept an -e after now (later writes with an earlier tmstmp would then be missed)",
  keyspace: "Cassandra keyspace",
  index: "Elasticsearch index; with index-per-table, the alias over the per-table indices and their prefix",
  tables: "Only these tables (comma list or repeated); default: every table",
  "exclude-tables": "Skip these tables (comma list or repeated); a name that is no table or type is refused",
  direction: or(DIRECTION_CHOICES),
  layout: `${or(LAYOUTS)}: one index per table, or one index with a type field`,
  "type-field": "The field that names the table, with --layout type-field",
  "id-column": "The id column and field (a UUID)",
  "timestamp-column": "The version column and field (timeuuid or timestamp; date or date_nanos)",
  "tombstone-column": "The deletion flag column and field",
  config: "A YAML or JSON config file (see Config file below)",
  "dry-run": "Compare and report, write nothing, keep the checkpoint",
  name: "The key of this configuration's checkpoint and lease; default: derived from the clusters, keyspace, index, tables, direction and layout",
  state:
    "Where checkpoints live: a directory, cassandra:<keyspace>.<table> or elasticsearch:<index> (es:<index>), an index outside the synced ones (with -i app: not app nor app-*)",
  "dead-letter":
    "Where rejected records wait to be replayed: a file, cassandra:<keyspace>.<table> or elasticsearch:<index> (outside the synced indices, as for --state); default: beside the state, in the same backend",
  "create-tables": "Create the Cassandra table of an index that has none",
  "create-timestamp-index":
    "Create a storage-attached index (Cassandra 5.0 and later) on each table's timestamp column, so incremental runs read only what changed",
  "max-errors": "Error budget: past this many failed records the run stops and the checkpoint stays",
  "batch-size": "Records per bulk request or write batch",
  concurrency: "Requests in flight per store",
  splits: "Token-range splits per Cassandra table",
  slices: "Point-in-time slices per Elasticsearch index",
  shard:
    "Do part i of N of the run (token ranges and index slices), with its own state key; /N takes i from JOB_COMPLETION_INDEX",
  "lease-ttl": "How long a lease lasts without renewal before another run may take it over (1s to 1d)",
  "connect-timeout":
    "How long connecting to each store may take; past it the store counts as unreachable (exit 5)",
  "state-timeout":
    "How long one operation on the state or dead-letter store may take (a hung disk or mount fails the run)",
  "retry-window":
    "How long a store that fails transiently (restarting, overloaded, unreachable) is retried before the run stops with exit 5 (0s to 1h)",
  "max-future":
    "Records dated more than this after now are dead-lettered as far in the future: they would win every comparison (at most 3650d)",
  json: "Print the summary as JSON",
  quiet: "Log errors only, and no progress",
  verbose: "Log more: progress after every batch, and debug lines",
  pushgateway:
    "A Prometheus Pushgateway URL (http or https): each run pushes its metrics there when it ends, as job synced grouped by its state key; https://user:password@host:9091 sends basic auth, and the password is never printed",
  "cassandra-contact-points": "Hosts, comma separated (host or host:port)",
  "cassandra-port": "Native protocol port",
  "cassandra-local-dc": "Local datacenter",
  "cassandra-read-consistency": "Read consistency level (ONE, LOCAL_ONE, QUORUM, LOCAL_QUORUM, ALL, ...)",
  "cassandra-write-consistency": "Write consistency level",
  "cassandra-writes": `${or(CASSANDRA_WRITE_MODES)}: USING TIMESTAMP, or lightweight transactions (exact, slower)`,
  "cassandra-username": "User name",
  "cassandra-password": `Password. ${prefer("cassandra-password")}`,
  "cassandra-password-file": "A file holding the password",
  "cassandra-tls": "Connect with TLS (implied by the other --cassandra-tls-* options)",
  "cassandra-tls-ca": "CA certificate file (PEM)",
  "cassandra-tls-cert": "Client certificate file (PEM)",
  "cassandra-tls-key": "Client key file (PEM)",
  "cassandra-tls-insecure": "Do not verify the server certificate",
  "es-nodes": "Node URLs, comma separated; https:// for TLS",
  "es-product": `${or(ES_PRODUCTS)}: what runs at --es-nodes (auto: ask the cluster)`,
  "es-versioning": `${or(ES_VERSIONING_MODES)}: external only when every writer uses external versions`,
  "es-username": "User name",
  "es-password": `Password. ${prefer("es-password")}`,
  "es-password-file": "A file holding the password",
  "es-api-key": `API key, instead of user and password. ${prefer("es-api-key")}`,
  "es-api-key-file": "A file holding the API key",
  "es-tls-ca": "CA certificate file (PEM)",
  "es-tls-cert": "Client certificate file (PEM)",
  "es-tls-key": "Client key file (PEM)",
  "es-tls-insecure": "Do not verify the server certificate",
};

export interface OptionSpec extends Extra {
  /** The long flag without dashes; also the option's key in the object of parsed flags. */
  readonly flag: Flag;
  readonly group: OptionGroup;
  readonly kind: OptionKind;
  readonly describe: string;
  /** As a user would type it; parsed like a user's value. */
  readonly default?: string;
  readonly env: string;
  /** Absent for --config: a file cannot name itself. */
  readonly fileKey?: string;
}

/** `es-api-key` → `SYNCED_ES_API_KEY`. */
export function envName(flag: string): string {
  return `SYNCED_${flag.toUpperCase().replaceAll("-", "_")}`;
}

/**
 * The flag in camelCase, with `cassandra-*` and `es-*` options in `cassandra` and `elasticsearch`
 * sections without the prefix: `--es-api-key-file` → `elasticsearch.apiKeyFile`.
 */
export function fileKeyOf(flag: string): string {
  const camel = (text: string): string => text.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase());
  if (flag.startsWith("cassandra-")) return `cassandra.${camel(flag.slice("cassandra-".length))}`;
  if (flag.startsWith("es-")) return `elasticsearch.${camel(flag.slice("es-".length))}`;
  return camel(flag);
}

export const FILE_SECTIONS = ["cassandra", "elasticsearch"] as const;

const DEFAULT_TEXT: Readonly<Partial<Record<string, string>>> = DEFAULTS;

export const OPTION_SPECS: readonly OptionSpec[] = TABLE.map(([flag, group, kind, extra]) => {
  const fallback = DEFAULT_TEXT[flag];
  return {
    ...(extra as Extra),
    flag,
    group,
    kind,
    describe: DESCRIPTIONS[flag],
    env: envName(flag),
    ...(fallback === undefined ? {} : { default: fallback }),
    ...(flag === "config" ? {} : { fileKey: fileKeyOf(flag) }),
  };
});

const BY_FLAG = new Map<string, OptionSpec>(OPTION_SPECS.map((spec) => [spec.flag, spec]));

export function specFor(flag: Flag): OptionSpec {
  const spec = BY_FLAG.get(flag);
  if (spec === undefined) throw new Error(`no option spec for --${flag}`);
  return spec;
}
