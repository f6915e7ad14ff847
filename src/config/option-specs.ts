// One table drives the command line, the environment names, the config file keys and `--help`, so
// an option cannot exist in one of them and be missing from another. A second, smaller table holds
// the options that one command takes beside them (`verify --limit`, `watch --every`).
import { DIRECTION_CHOICES } from "../core/direction.js";
import { LAYOUTS } from "../core/layout.js";
import { CASSANDRA_WRITE_MODES, ES_PRODUCTS, ES_VERSIONING_MODES } from "./options.js";

export type OptionGroup = "Range" | "Selection" | "Behaviour" | "Cassandra" | "Elasticsearch" | "Output";
/** value: one value; list: comma separated or repeated; boolean: a switch. */
export type OptionKind = "value" | "list" | "boolean";

interface Extra {
  readonly alias?: string;
  /**
   * As a user would type it: it goes through the same parser as a user's value and is shown as it
   * is in `--help`. An option without one is unset by default (a switch: off).
   */
  readonly default?: string;
  readonly required?: true;
  /** Never printed, never echoed in an error. */
  readonly secret?: true;
}

// [flag, group, kind, extra]: one line each, so the whole interface reads at a glance.
const TABLE = [
  ["begin", "Range", "value", { alias: "b" }],
  ["end", "Range", "value", { alias: "e" }],
  ["lag", "Range", "value", { default: "30s" }],
  ["lookback", "Range", "value", { default: "10m" }],
  ["allow-future-end", "Range", "boolean", {}],
  ["max-future", "Range", "value", { default: "1h" }],
  ["keyspace", "Selection", "value", { alias: "k", required: true }],
  ["index", "Selection", "value", { alias: "i", required: true }],
  ["tables", "Selection", "list", {}],
  ["exclude-tables", "Selection", "list", {}],
  ["direction", "Selection", "value", { default: "both" }],
  ["layout", "Selection", "value", { default: "index-per-table" }],
  ["type-field", "Selection", "value", { default: "type" }],
  ["id-column", "Selection", "value", { default: "id" }],
  ["timestamp-column", "Selection", "value", { default: "tmstmp" }],
  ["tombstone-column", "Selection", "value", { default: "deleted" }],
  ["config", "Behaviour", "value", {}],
  ["dry-run", "Behaviour", "boolean", {}],
  ["name", "Behaviour", "value", {}],
  ["state", "Behaviour", "value", { default: "state/" }],
  ["dead-letter", "Behaviour", "value", {}],
  ["create-tables", "Behaviour", "boolean", {}],
  ["create-columns", "Behaviour", "boolean", {}],
  ["create-timestamp-index", "Behaviour", "boolean", {}],
  ["max-errors", "Behaviour", "value", { default: "100" }],
  ["batch-size", "Behaviour", "value", { default: "500" }],
  ["concurrency", "Behaviour", "value", { default: "4" }],
  ["splits", "Behaviour", "value", { default: "32" }],
  ["slices", "Behaviour", "value", { default: "2" }],
  ["shard", "Behaviour", "value", {}],
  ["lease-ttl", "Behaviour", "value", { default: "1m" }],
  ["connect-timeout", "Behaviour", "value", { default: "5s" }],
  ["state-timeout", "Behaviour", "value", { default: "30s" }],
  ["retry-window", "Behaviour", "value", { default: "1m" }],
  ["json", "Output", "boolean", {}],
  ["quiet", "Output", "boolean", { alias: "q" }],
  ["verbose", "Output", "boolean", { alias: "v" }],
  ["pushgateway", "Output", "value", {}],
  ["cassandra-contact-points", "Cassandra", "list", { default: "127.0.0.1" }],
  ["cassandra-port", "Cassandra", "value", { default: "9042" }],
  ["cassandra-local-dc", "Cassandra", "value", { default: "datacenter1" }],
  ["cassandra-read-consistency", "Cassandra", "value", { default: "LOCAL_QUORUM" }],
  ["cassandra-write-consistency", "Cassandra", "value", { default: "LOCAL_QUORUM" }],
  ["cassandra-writes", "Cassandra", "value", { default: "timestamp" }],
  ["cassandra-batch-bytes", "Cassandra", "value", { default: "4096" }],
  ["cassandra-username", "Cassandra", "value", {}],
  ["cassandra-password", "Cassandra", "value", { secret: true }],
  ["cassandra-password-file", "Cassandra", "value", {}],
  ["cassandra-tls", "Cassandra", "boolean", {}],
  ["cassandra-tls-ca", "Cassandra", "value", {}],
  ["cassandra-tls-cert", "Cassandra", "value", {}],
  ["cassandra-tls-key", "Cassandra", "value", {}],
  ["cassandra-tls-insecure", "Cassandra", "boolean", {}],
  ["es-nodes", "Elasticsearch", "list", { default: "http://127.0.0.1:9200" }],
  ["es-product", "Elasticsearch", "value", { default: "auto" }],
  ["es-versioning", "Elasticsearch", "value", { default: "optimistic" }],
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
  end: "End of the range, exclusive; default: now minus --lag. The checkpoint moves no further than now minus --lag, whatever the end",
  lag: "How far behind now the default end stays: covers the Elasticsearch refresh interval and clock skew (at most 30d)",
  lookback:
    "How far before the checkpoint each run reads again, to catch records that became visible late, dated before it; 0 turns it off (at most 30d)",
  "allow-future-end":
    "Accept an -e after now; the checkpoint still moves no further than now minus --lag, and what is dated more than --max-future ahead is still dead-lettered",
  keyspace: "Cassandra keyspace",
  index: "Elasticsearch index; with index-per-table, the alias over the per-table indices and their prefix",
  tables: "Only these tables (comma list or repeated); default: every table",
  "exclude-tables": "Skip these tables (comma list or repeated); a name that is no table or type is refused",
  direction: or(DIRECTION_CHOICES),
  layout: `${or(LAYOUTS)}: one index per table, or one index with a type field`,
  "type-field": "The field that names the table, with --layout type-field",
  "id-column":
    "Given, sync only tables keyed by this one column (otherwise any primary key); the key of tables --create-tables makes",
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
  "create-columns":
    "Add a column to a table for each field its documents hold that no column holds, typed from the index mapping, and sync it in the same run",
  "create-timestamp-index":
    "Create a storage-attached index (Cassandra 5.0 and later) on each table's timestamp column, so incremental runs read only what changed",
  "max-errors": "Error budget: past this many failed records the run stops and the checkpoint stays",
  "batch-size": "Records per bulk request or write batch",
  concurrency: "Requests in flight per store",
  splits: "Token-range splits per Cassandra table",
  slices: "Slices of each index read in parallel",
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
  "cassandra-batch-bytes":
    "About how many bytes of rows (of one replica set) go in one unlogged batch; 0 writes each row alone",
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

/**
 * What a run option means in a command that takes it otherwise than a run, for that command's help,
 * in place of the whole description (a required option is not required there): verify reads
 * everything unless told otherwise, watch ends every run at now minus --lag, and status shows every
 * configuration of the state store.
 */
export const COMMAND_RANGE_DESCRIPTIONS: Readonly<Partial<Record<string, Partial<Record<Flag, string>>>>> = {
  verify: {
    begin:
      "Start of the range, inclusive (see Times below); default: the earliest version (0001-01-01), so verify compares everything",
    end: "End of the range, exclusive; default: now minus --lag. Verify moves no checkpoint",
  },
  watch: {
    begin:
      "synced watch refuses -b: each of its runs begins at the checkpoint (set it with synced state set --to)",
    end: "synced watch refuses -e: each of its runs ends at now minus --lag",
  },
  status: {
    keyspace: "Cassandra keyspace. Not needed: synced status shows every configuration of the state store",
    index: "Elasticsearch index. Not needed: synced status shows every configuration of the state store",
  },
};

export interface OptionSpec extends Extra {
  /** The long flag without dashes; also the option's key in the object of parsed flags. */
  readonly flag: Flag;
  readonly group: OptionGroup;
  readonly kind: OptionKind;
  readonly describe: string;
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

export const OPTION_SPECS: readonly OptionSpec[] = TABLE.map(([flag, group, kind, extra]) => ({
  ...(extra as Extra),
  flag,
  group,
  kind,
  describe: DESCRIPTIONS[flag],
  env: envName(flag),
  ...(flag === "config" ? {} : { fileKey: fileKeyOf(flag) }),
}));

const BY_FLAG = new Map<string, OptionSpec>(OPTION_SPECS.map((spec) => [spec.flag, spec]));

export function specFor(flag: Flag): OptionSpec {
  const spec = BY_FLAG.get(flag);
  if (spec === undefined) throw new Error(`no option spec for --${flag}`);
  return spec;
}

/** A command and, where it has them, its action: an option of `state` belongs to each of its actions. */
export type CommandPath =
  | "plan"
  | "verify"
  | "watch"
  | "status"
  | "state"
  | "state set"
  | "dead-letters list"
  | "dead-letters show"
  | "dead-letters replay"
  | "dead-letters purge";

/**
 * count: a whole number from 0 to MAX_COUNT (0 shows only the totals); duration: as --lag takes;
 * value: one text; list: repeated; boolean: a switch.
 */
export type CommandOptionKind = "count" | "duration" | "value" | "list" | "boolean";

/** The most a count option (--limit, --sample, --runs) takes. */
export const MAX_COUNT = 1_000_000;

export interface CommandOptionSpec {
  /** Where a row names an action too, it replaces the command's row of the same flag for that action. */
  readonly command: CommandPath;
  /** The long flag without dashes, and its key in the parsed flags. */
  readonly flag: string;
  readonly group: "Plan" | "Verify" | "Watch" | "State" | "Dead letters";
  readonly kind: CommandOptionKind;
  readonly describe: string;
  /** As a user would type it. */
  readonly default?: string;
  readonly required?: true;
  /** What a count counts, for its messages. */
  readonly unit?: string;
}

type CommandExtra = Pick<CommandOptionSpec, "default" | "required" | "unit">;

// [command, flag, kind, extra]. Only the command line takes these: no environment variable and no
// config file key, since each changes what one invocation shows or confirms, not what a configuration is.
const COMMAND_TABLE = [
  ["plan", "sample", "count", { default: "5", unit: "decisions" }],
  ["verify", "limit", "count", { default: "20", unit: "ids" }],
  ["verify", "repair", "boolean", {}],
  ["verify", "copy-missing", "boolean", {}],
  ["watch", "every", "duration", { required: true }],
  ["watch", "listen", "value", { default: "127.0.0.1:9464" }],
  ["watch", "verify-every", "duration", {}],
  ["watch", "stalled-after", "duration", { default: "10m" }],
  ["status", "runs", "count", { default: "3", unit: "runs" }],
  ["state", "yes", "boolean", {}],
  ["state set", "to", "value", {}],
  // Each action its own: show takes the letter as its argument, and nothing else.
  ["dead-letters list", "letter", "list", {}],
  ["dead-letters list", "limit", "count", { default: "100", unit: "letters" }],
  ["dead-letters replay", "letter", "list", {}],
  ["dead-letters replay", "limit", "count", { default: "100", unit: "letters" }],
  ["dead-letters purge", "letter", "list", {}],
  ["dead-letters purge", "all", "boolean", {}],
  ["dead-letters purge", "yes", "boolean", {}],
] as const satisfies readonly (readonly [CommandPath, string, CommandOptionKind, CommandExtra])[];

/** `plan --sample`: each row's own key, not every command with every flag. */
type RowKey<Row> = Row extends readonly [infer C extends string, infer F extends string, ...unknown[]]
  ? `${C} --${F}`
  : never;
type CommandKey = RowKey<(typeof COMMAND_TABLE)[number]>;

const COMMAND_DESCRIPTIONS: Record<CommandKey, string> = {
  "plan --sample": "Decisions shown per table, direction and reason",
  "verify --limit": "Differing ids, and bad records, listed per table and side",
  "verify --repair":
    "Write each differing record as a run would: decided again on tmstmp, written conditionally; failures become dead letters",
  "verify --copy-missing":
    "With --repair: also copy records the other side lacks (off: one may be a hard delete there)",
  "watch --every": "Time from the end of one run to the start of the next, such as 5m (1s to 1d)",
  "watch --listen": "host:port for /metrics and /healthz",
  "watch --verify-every":
    "Also run synced verify --repair after a run, at most this often, such as 1d (1m to 30d; off by default)",
  "watch --stalled-after":
    "/healthz and /livez fail once a run has gone this long without finishing a batch of records, as a run held by a store that stopped answering (1s to 1d)",
  "status --runs": "Recent runs shown per configuration",
  "state --yes": "Confirm the change",
  "state set --to": "The new checkpoint: ISO-8601 or epoch seconds, as -b takes",
  "dead-letters list --letter": "Only this letter (repeat for more); ids come from the list",
  "dead-letters list --limit": "At most this many letters are printed",
  "dead-letters replay --letter": "Only this letter (repeat for more); ids come from the list",
  "dead-letters replay --limit": "At most this many of the letters that failed again are printed",
  "dead-letters purge --letter": "Only this letter (repeat for more); ids come from the list",
  "dead-letters purge --all": "Every letter of the configuration",
  "dead-letters purge --yes": "Confirm the deletion",
};

const GROUPS = {
  plan: "Plan",
  verify: "Verify",
  watch: "Watch",
  status: "State",
  state: "State",
  "dead-letters": "Dead letters",
} as const satisfies Record<string, CommandOptionSpec["group"]>;

export const COMMAND_OPTION_SPECS: readonly CommandOptionSpec[] = COMMAND_TABLE.map(
  ([command, flag, kind, extra]) => ({
    ...(extra as CommandExtra),
    command,
    flag,
    group: GROUPS[command.split(" ")[0] as keyof typeof GROUPS],
    kind,
    describe: COMMAND_DESCRIPTIONS[`${command} --${flag}` as CommandKey],
  }),
);

/** The options `path` takes beside the run options, in table order: its command's, its action's in their place. */
export function commandOptionSpecs(path: CommandPath): CommandOptionSpec[] {
  const command = path.split(" ")[0];
  const own = COMMAND_OPTION_SPECS.filter((spec) => spec.command === path);
  return COMMAND_OPTION_SPECS.filter(
    (spec) => own.includes(spec) || (spec.command === command && !own.some((o) => o.flag === spec.flag)),
  );
}

/** The spec of `flag` for `path`; an Error (a bug) when the table has none. */
export function commandOptionSpec(path: CommandPath, flag: string): CommandOptionSpec {
  const spec = commandOptionSpecs(path).find((s) => s.flag === flag);
  if (spec === undefined) throw new Error(`no option spec for ${path} --${flag}`);
  return spec;
}
