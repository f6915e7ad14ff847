// Precedence: flags, then SYNCED_* environment variables, then the config file, then defaults. Each
// option is looked up on its own, so a file can set the port while the environment sets the nodes.
import type { ConfigFile } from "./config-file.js";
import { ConfigError } from "../core/errors.js";
import type { OptionSource } from "../core/errors.js";
import { specFor } from "./option-specs.js";
import type { Flag } from "./option-specs.js";
import type { Setting } from "./values.js";

/** Parsed flags keyed by long flag name (`batch-size`), as yargs gives them; other keys are ignored. */
export type Flags = Readonly<Record<string, unknown>>;
export type Env = Readonly<Record<string, string | undefined>>;

const RANK = { flag: 0, env: 1, file: 2, default: 3 } as const;

export function rankOf(source: OptionSource): number {
  return RANK[source.kind];
}

export class Layers {
  constructor(
    private readonly flags: Flags,
    private readonly env: Env,
    private readonly file?: ConfigFile,
  ) {}

  /** The value with the highest precedence, the default included. */
  get(flag: Flag): Setting | undefined {
    const spec = specFor(flag);
    const found = this.find(flag);
    if (found !== undefined || spec.default === undefined) return found;
    return { flag, raw: spec.default, source: { kind: "default" }, secret: spec.secret === true };
  }

  /** The value a user set somewhere, defaults left out. */
  find(flag: Flag): Setting | undefined {
    const spec = specFor(flag);
    const secret = spec.secret === true;
    const fromFlag = this.flags[flag];
    if (fromFlag !== undefined)
      return { flag, raw: fromFlag, source: { kind: "flag", flag: `--${flag}` }, secret };
    // An empty variable counts as unset: `SYNCED_X=` in a compose file or manifest usually means "no value".
    const fromEnv = this.env[spec.env];
    if (fromEnv !== undefined && fromEnv !== "") {
      return { flag, raw: fromEnv, source: { kind: "env", variable: spec.env }, secret };
    }
    if (this.file === undefined || spec.fileKey === undefined) return undefined;
    const fromFile = this.file.values.get(spec.fileKey);
    if (fromFile === undefined) return undefined;
    return { flag, raw: fromFile, source: { kind: "file", path: this.file.path, key: spec.fileKey }, secret };
  }

  /** Parses the option's value; undefined when it is unset and has no default. */
  read<T>(flag: Flag, parse: (setting: Setting) => T): T | undefined {
    const setting = this.get(flag);
    return setting === undefined ? undefined : parse(setting);
  }

  /** Like read, for an option that has a default. */
  must<T>(flag: Flag, parse: (setting: Setting) => T): T {
    const value = this.read(flag, parse);
    if (value === undefined) throw missing(flag);
    return value;
  }
}

export function missing(flag: Flag): ConfigError {
  const spec = specFor(flag);
  const short = spec.alias === undefined ? "" : `-${spec.alias}/`;
  const where = spec.fileKey === undefined ? "" : `, or ${spec.fileKey} in the config file`;
  return new ConfigError(
    flag,
    undefined,
    `--${flag} is required: pass ${short}--${flag}, set ${spec.env}${where}.`,
  );
}
