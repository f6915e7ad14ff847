// Merges flags, SYNCED_* environment variables, the config file and defaults into one SyncOptions,
// and refuses to start on the first bad value, naming the option and where it came from.
import { DIRECTION_CHOICES } from "../core/direction.js";
import { LAYOUTS } from "../core/layout.js";
import { unquoteIdentifier } from "../core/cql-identifier.js";
import { checkApartFromSynced } from "./apart-from-synced.js";
import { readConfigFile } from "./config-file.js";
import type { ConfigFile } from "./config-file.js";
import { cassandraOptions, elasticsearchOptions } from "./connection-options.js";
import { parseDuration } from "./duration.js";
import { formatDuration } from "../core/duration-text.js";
import { didYouMean } from "../core/did-you-mean.js";
import { ConfigError, type OptionSource } from "../core/errors.js";
import { Layers, missing } from "./layers.js";
import type { Env, Flags } from "./layers.js";
import {
  columnName,
  cqlName,
  deadLetterLocation,
  fieldName,
  indexName,
  stateKey,
  stateLocation,
} from "./names.js";
import { readOptionFileFromDisk, type ReadFile } from "./option-file.js";
import { optionSources } from "./option-sources.js";
import { COMMAND_OPTION_SPECS, envName, OPTION_SPECS } from "./option-specs.js";
import type { SyncOptions } from "./options.js";
import type { Warn } from "./secrets.js";
import { formatMicros, nowMicros } from "../core/micros.js";
import { parseTimestamp } from "./time-range.js";
import { pushgatewayTarget } from "./pushgateway.js";
import { parseShard, parseSlices } from "./shard.js";
import { checkTableIndices } from "./table-indices.js";
import { asBoolean, asChoice, asInteger, asList, asNumericText, asText, invalid } from "./values.js";
import type { Setting } from "./values.js";

export interface LoadConfigInput {
  /** Parsed flags keyed by long flag name, as buildCli gives them. */
  readonly flags: Flags;
  readonly env: Env;
  /** Reads the config file, secret and TLS files; defaults to readOptionFileFromDisk. */
  readonly readFile?: ReadFile;
  /** Told about risky but valid settings, such as a password on the command line. */
  readonly warn?: Warn;
  /**
   * False for commands that read a whole state store (`synced status`): -k and -i may then be
   * missing, and are left empty.
   */
  readonly selectionRequired?: boolean;
}

const MAX_COUNT = 1_000_000;

/** -b and -e: a relative time counts from `now`, the same for both. */
const time = (now: bigint) => (s: Setting) => parseTimestamp(asNumericText(s), s.flag, s.source, now);
/** A duration between `min` and `max` milliseconds: past the bounds a value is a typo, or breaks timers. */
const duration = (min: number, max: number) => (s: Setting) => {
  const ms = parseDuration(asNumericText(s), s.flag, s.source);
  if (ms < min) throw invalid(s, `"${asText(s)}" is too short: it must be at least ${formatDuration(min)}`);
  if (ms > max) throw invalid(s, `"${asText(s)}" is too long: it must be at most ${formatDuration(max)}`);
  return ms;
};
const DAY = 86_400_000;
const count = (min: number) => (s: Setting) => asInteger(s, min, MAX_COUNT);
// A table made with a quoted name may be given in CQL's quotes, as columns are.
const tableList = (s: Setting): string[] => asList(s).map((name) => cqlName(s, unquoteIdentifier(name)));
type Switch =
  | "dry-run"
  | "create-tables"
  | "create-columns"
  | "create-timestamp-index"
  | "json"
  | "allow-future-end"
  | "quiet"
  | "verbose";
const flag = (layers: Layers, name: Switch): boolean => layers.read(name, asBoolean) ?? false;

const KNOWN_VARIABLES = new Set(OPTION_SPECS.map((spec) => spec.env));

/** SYNCED_EVERY and the like: named after an option of one command, which only its flag sets. */
const FLAG_ONLY = new Map<string, { flag: string; commands: string[] }>();
for (const spec of COMMAND_OPTION_SPECS) {
  const entry = FLAG_ONLY.get(envName(spec.flag)) ?? { flag: spec.flag, commands: [] };
  const command = `synced ${spec.command}`;
  if (!entry.commands.includes(command)) entry.commands.push(command);
  FLAG_ONLY.set(envName(spec.flag), entry);
}

// A misspelt variable would otherwise be ignored without a trace. SYNCED_TEST_* belong to the tests.
function warnUnknownVariables(env: Env, warn: Warn): void {
  for (const variable of Object.keys(env)) {
    if (!variable.startsWith("SYNCED_") || variable.startsWith("SYNCED_TEST_")) continue;
    if (KNOWN_VARIABLES.has(variable)) continue;
    const flagOnly = FLAG_ONLY.get(variable);
    // Guessing another variable for it (SYNCED_YES: SYNCED_END?) would mislead.
    const guess = flagOnly === undefined ? didYouMean(variable, KNOWN_VARIABLES) : undefined;
    const hint =
      flagOnly !== undefined
        ? `: --${flagOnly.flag} (${flagOnly.commands.join(", ")}) is a flag only`
        : guess === undefined
          ? ""
          : `; did you mean ${guess}?`;
    warn(`${variable} is not a synced variable and is ignored${hint}`);
  }
}

export async function loadConfig(input: LoadConfigInput): Promise<SyncOptions> {
  const readFile = input.readFile ?? readOptionFileFromDisk;
  const warn = input.warn ?? (() => undefined);
  // The file's own location can only come from the layers above it.
  const configSetting = new Layers(input.flags, input.env).find("config");
  let file: ConfigFile | undefined;
  if (configSetting !== undefined) {
    file = await readConfigFile(asText(configSetting), configSetting.source, readFile);
  }
  const layers = new Layers(input.flags, input.env, file);
  warnUnknownVariables(input.env, warn);

  const required = input.selectionRequired ?? true;
  const keyspace = layers.read("keyspace", (s) => cqlName(s)) ?? (required ? undefined : "");
  if (keyspace === undefined) throw missing("keyspace");
  const index = layers.read("index", (s) => indexName(s)) ?? (required ? undefined : "");
  if (index === undefined) throw missing("index");

  const now = nowMicros();
  const begin = layers.read("begin", time(now));
  const end = layers.read("end", time(now));
  if (begin !== undefined && end !== undefined && begin >= end) {
    throw new ConfigError(
      "begin",
      undefined,
      `the begin ${formatMicros(begin)} is not before the end ${formatMicros(end)}; -b must be earlier than -e.`,
      {
        details: { begin: formatMicros(begin), end: formatMicros(end) },
      },
    );
  }

  const tables = layers.read("tables", tableList) ?? [];
  const excludeTables = layers.read("exclude-tables", tableList) ?? [];
  const both = tables.filter((table) => excludeTables.includes(table));
  if (both.length > 0) {
    throw new ConfigError(
      "exclude-tables",
      undefined,
      `${both.join(", ")} is both in --tables and in --exclude-tables; keep it in one.`,
    );
  }

  const columns = {
    id: layers.must("id-column", columnName),
    timestamp: layers.must("timestamp-column", columnName),
    tombstone: layers.must("tombstone-column", columnName),
  };
  if (new Set(Object.values(columns)).size < 3) {
    throw new ConfigError(
      "id-column",
      undefined,
      "--id-column, --timestamp-column and --tombstone-column must be three different columns.",
    );
  }

  const source = (flag: "id-column" | "timestamp-column" | "tombstone-column"): OptionSource =>
    layers.get(flag)?.source ?? { kind: "default" };
  const columnSources = {
    id: source("id-column"),
    timestamp: source("timestamp-column"),
    tombstone: source("tombstone-column"),
  };

  const name = layers.read("name", stateKey);
  const shard = layers.read("shard", (s) => parseShard(s, input.env));
  const deadLetter = layers.read("dead-letter", deadLetterLocation);
  const state = layers.must("state", stateLocation);
  checkApartFromSynced(layers, index, state, deadLetter);
  const layout = layers.must("layout", (s) => asChoice(s, LAYOUTS));
  const tableSettings = file?.tables;
  if (tableSettings !== undefined)
    checkTableIndices(tableSettings, { layers, layout, index, state, deadLetter });
  const pushgateway = layers.read("pushgateway", (s) => pushgatewayTarget(s, warn));
  // `synced status` connects only to the store that holds the state (or the dead letters).
  const uses = (backend: "cassandra" | "elasticsearch"): boolean =>
    input.selectionRequired !== false || state.backend === backend || deadLetter?.backend === backend;
  const quiet = flag(layers, "quiet");
  const verbose = flag(layers, "verbose");
  if (quiet && verbose) {
    throw new ConfigError(
      "quiet",
      undefined,
      "--quiet and --verbose contradict each other; give one of them.",
    );
  }
  return {
    keyspace,
    index,
    ...(begin === undefined ? {} : { begin }),
    ...(end === undefined ? {} : { end }),
    allowFutureEnd: flag(layers, "allow-future-end"),
    lagMs: layers.must("lag", duration(0, 30 * DAY)),
    lookbackMs: layers.must("lookback", duration(0, 30 * DAY)),
    tables,
    excludeTables,
    direction: layers.must("direction", (s) => asChoice(s, DIRECTION_CHOICES)),
    layout,
    typeField: layers.must("type-field", fieldName),
    columns,
    columnSources,
    ...(tableSettings === undefined ? {} : { tableSettings }),
    dryRun: flag(layers, "dry-run"),
    createTables: flag(layers, "create-tables"),
    createColumns: flag(layers, "create-columns"),
    createTimestampIndex: flag(layers, "create-timestamp-index"),
    ...(name === undefined ? {} : { name }),
    state,
    ...(deadLetter === undefined ? {} : { deadLetter }),
    maxErrors: layers.must("max-errors", (s) => asInteger(s, 0, Number.MAX_SAFE_INTEGER)),
    batchSize: layers.must("batch-size", count(1)),
    concurrency: layers.must("concurrency", (s) => asInteger(s, 1, 1024)),
    splits: layers.must("splits", count(1)),
    slices: layers.must("slices", (s) => parseSlices(s, shard)),
    ...(shard === undefined ? {} : { shard }),
    leaseTtlMs: layers.must("lease-ttl", duration(1000, DAY)),
    maxFutureMs: layers.must("max-future", duration(0, 3650 * DAY)),
    connectTimeoutMs: layers.must("connect-timeout", duration(100, 600_000)),
    stateTimeoutMs: layers.must("state-timeout", duration(100, 600_000)),
    retryWindowMs: layers.must("retry-window", duration(0, 3_600_000)),
    json: flag(layers, "json"),
    logLevel: quiet ? "error" : verbose ? "debug" : "info",
    ...(pushgateway === undefined ? {} : { pushgateway }),
    ...(file === undefined ? {} : { configFile: file.path }),
    sources: optionSources(layers),
    cassandra: await cassandraOptions(layers, readFile, warn, uses("cassandra")),
    elasticsearch: await elasticsearchOptions(layers, readFile, warn, uses("elasticsearch")),
  };
}
