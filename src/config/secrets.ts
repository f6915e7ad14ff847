// A secret can be given directly (`--es-password`) or as a file (`--es-password-file`, how Kubernetes
// and Docker mount secrets). The two count as one setting: the layer with the higher precedence wins,
// and both in the same layer is a contradiction rather than a guess.
import type { ReadFile } from "./option-file.js";
import { ConfigError, describeSource } from "../core/errors.js";
import type { SecretOrigin } from "../core/secret-origin.js";
import { rankOf } from "./layers.js";
import type { Layers } from "./layers.js";
import { specFor } from "./option-specs.js";
import type { Flag } from "./option-specs.js";
import { unreadableFileProblem } from "./option-file.js";
import { asText, invalid } from "./values.js";
import type { Setting } from "./values.js";

export type Warn = (message: string) => void;

/** A secret and where it came from, for a store's refusal of it to name. */
export interface Secret {
  readonly secret: string;
  readonly from: SecretOrigin;
}

/**
 * The secret, from the option or its file, whichever layer ranks higher. `problem` names what is wrong
 * with a secret of this kind, if anything; the refusal names where it came from, never the secret.
 */
export async function readSecret(
  layers: Layers,
  valueFlag: Flag,
  fileFlag: Flag,
  readFile: ReadFile,
  warn: Warn,
  problem: (secret: string) => string | undefined = () => undefined,
): Promise<Secret | undefined> {
  const direct = layers.find(valueFlag);
  const viaFile = layers.find(fileFlag);
  if (direct !== undefined && viaFile !== undefined && rankOf(direct.source) === rankOf(viaFile.source)) {
    throw new ConfigError(
      valueFlag,
      undefined,
      `both ${describeSource(direct.source)} and ${describeSource(viaFile.source)} are set; keep one.`,
    );
  }
  const useFile =
    viaFile !== undefined && (direct === undefined || rankOf(viaFile.source) < rankOf(direct.source));
  if (!useFile) {
    if (direct === undefined) return undefined;
    if (direct.source.kind === "flag") {
      warn(
        `--${valueFlag} on the command line is visible to other users of this machine; ` +
          `prefer ${specFor(valueFlag).env} or --${fileFlag}.`,
      );
    }
    const secret = asText(direct);
    const wrong = problem(secret);
    if (wrong !== undefined) throw invalid(direct, wrong);
    return { secret, from: { source: direct.source } };
  }
  const { path, content } = await readOptionFile(viaFile, readFile);
  // `echo secret > file` leaves a newline that is not part of the secret.
  const secret = content.replace(/[\r\n]+$/, "");
  if (secret === "") throw invalid(viaFile, `the file ${path} is empty`);
  const wrong = problem(secret);
  if (wrong !== undefined) throw invalid(viaFile, `the file ${path} ${wrong}`);
  return { secret, from: { source: viaFile.source, file: path } };
}

/** Reads the file an option names, or fails naming the option, the path and why. */
export async function readOptionFile(
  setting: Setting,
  readFile: ReadFile,
): Promise<{ path: string; content: string }> {
  const path = asText(setting);
  try {
    return { path, content: await readFile(path) };
  } catch (error) {
    throw invalid(setting, unreadableFileProblem(path, error));
  }
}
