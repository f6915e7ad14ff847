// The config file: YAML, or JSON when the name ends in .json or the content starts with "{". Keys
// are the flag names in camelCase; cassandra-* and es-* options sit in `cassandra:` and
// `elasticsearch:` sections without the prefix (see fileKeyOf). Unknown keys are errors: a misspelt
// key silently falling back to a default is the kind of mistake a config file should not allow.
// `tables:` is two keys in one: a list is the --tables selection, a mapping holds per-table settings
// (table-settings.ts), which are no option and stay outside the layers.
import { extname } from "node:path";
import type { parseDocument as ParseYamlDocument } from "yaml";
import { didYouMean } from "../core/did-you-mean.js";
import { ConfigError } from "../core/errors.js";
import { jsonSyntaxProblem } from "../core/json-syntax.js";
import type { OptionSource } from "../core/errors.js";
import { unreadableFileProblem, type ReadFile } from "./option-file.js";
import { FILE_SECTIONS, OPTION_SPECS } from "./option-specs.js";
import { isMapping, parseTableSettings } from "./table-settings.js";
import type { TableSettings } from "../core/table-settings.js";

export interface ConfigFile {
  readonly path: string;
  /** Values by dotted key (`cassandra.port`); YAML nulls are left out, as if the key were absent. */
  readonly values: ReadonlyMap<string, unknown>;
  /** The settings of `tables:` when it is a mapping; absent when it is a list or missing. */
  readonly tables?: readonly TableSettings[];
}

const KNOWN_KEYS = new Set(
  OPTION_SPECS.flatMap((spec) => (spec.fileKey === undefined ? [] : [spec.fileKey])),
);

// A key worth naming back: a name, or a section's dotted name. Any other is shown to nobody, since
// the file may be no config at all and its first line a secret.
const OPTION_NAME = /^[A-Za-z][\w-]{0,63}(\.[A-Za-z][\w-]{0,63})?$/;

export async function readConfigFile(
  path: string,
  source: OptionSource,
  readFile: ReadFile,
): Promise<ConfigFile> {
  let text: string;
  try {
    text = await readFile(path);
  } catch (error) {
    throw new ConfigError("config", source, unreadableFileProblem(path, error, `the config file ${path}`), {
      details: { path },
      cause: error,
    });
  }
  // Loaded only for a YAML file: the parser costs every other run about 40 ms of CPU to load.
  const parseYaml = isJson(path, text) ? undefined : strictYaml(await import("yaml"));
  const document = parseDocument(path, text, source, parseYaml);
  const tables = isMapping(document) ? document["tables"] : undefined;
  if (isMapping(document) && isMapping(tables)) {
    const rest = Object.fromEntries(Object.entries(document).filter(([key]) => key !== "tables"));
    return { path, values: flatten(path, rest), tables: parseTableSettings(path, tables) };
  }
  return { path, values: flatten(path, document) };
}

function isJson(path: string, text: string): boolean {
  const ext = extname(path).toLowerCase();
  return ext === ".json" || (ext !== ".yaml" && ext !== ".yml" && text.trimStart().startsWith("{"));
}

/**
 * The YAML parser, refusing what it would only warn of: a warning goes to the process's stderr with
 * the lines around it (which may hold a password), and an unknown tag (`!!js/function`) is no value a
 * config file means.
 */
function strictYaml(yaml: { parseDocument: typeof ParseYamlDocument }): (text: string) => unknown {
  return (text) => {
    const document = yaml.parseDocument(text, { logLevel: "silent" });
    const problem = document.errors[0] ?? document.warnings[0];
    if (problem !== undefined) throw problem;
    return document.toJS() as unknown;
  };
}

/** `parseYaml`: the YAML parser, for a file that is not JSON. */
function parseDocument(
  path: string,
  text: string,
  source: OptionSource,
  parseYaml: ((text: string) => unknown) | undefined,
): unknown {
  const json = parseYaml === undefined;
  try {
    return json ? JSON.parse(text) : parseYaml(text);
  } catch (error) {
    const reason = json ? jsonSyntaxProblem(error, text) : yamlProblem(error);
    throw new ConfigError(
      "config",
      source,
      `the config file ${path} is not valid ${json ? "JSON" : "YAML"}: ${reason}`,
      {
        details: { path },
        cause: error,
      },
    );
  }
}

function yamlProblem(error: unknown): string {
  const message = error instanceof Error ? (error.message.split("\n")[0] ?? "") : "";
  const what = message.replace(/ at line \d+, column \d+:?$/, "").split(": ")[0] ?? "";
  const place = (error as { linePos?: readonly { line: number; col: number }[] }).linePos?.[0];
  const said = what === "" ? "a syntax error" : lowerFirst(what);
  return place === undefined ? said : `${said} at line ${place.line}, column ${place.col}`;
}

function lowerFirst(text: string): string {
  return text.charAt(0).toLowerCase() + text.slice(1);
}

function flatten(path: string, document: unknown): Map<string, unknown> {
  const values = new Map<string, unknown>();
  if (document === null || document === undefined) return values;
  if (!isMapping(document)) throw shapeError(path, "(top level)", "must be a mapping of keys to values");
  for (const [key, value] of Object.entries(document)) {
    if ((FILE_SECTIONS as readonly string[]).includes(key)) {
      if (value === null) continue;
      if (!isMapping(value)) throw shapeError(path, key, "must be a mapping, such as `port: 9042` under it");
      for (const [inner, innerValue] of Object.entries(value))
        add(values, path, `${key}.${inner}`, innerValue);
    } else {
      add(values, path, key, value);
    }
  }
  return values;
}

function add(values: Map<string, unknown>, path: string, key: string, value: unknown): void {
  if (!KNOWN_KEYS.has(key) && !OPTION_NAME.test(key)) {
    throw shapeError(
      path,
      "(not shown)",
      "is no synced option, nor shaped like one: is this a synced config file? " +
        'The keys are listed under "Config file" in --help',
    );
  }
  if (!KNOWN_KEYS.has(key)) {
    const guess = didYouMean(key, KNOWN_KEYS);
    const hint = guess === undefined ? "" : ` Did you mean ${guess}?`;
    throw shapeError(
      path,
      key,
      `not a synced option.${hint} The keys are listed under "Config file" in --help`,
    );
  }
  if (value !== null && value !== undefined) values.set(key, value);
}

function shapeError(path: string, key: string, problem: string): ConfigError {
  return new ConfigError("config", { kind: "file", path, key }, `${problem}.`, { details: { path, key } });
}
