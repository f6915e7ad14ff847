// The Cassandra and Elasticsearch sections. Contradictions (a user without a password, TLS files
// for plain-http nodes) are refused here, since a store would otherwise ignore one of the two quietly.
import type { ReadFile } from "./option-file.js";
import { ConfigError, describeSource } from "../core/errors.js";
import type { Layers } from "./layers.js";
import { contactPoint, nodeUrl } from "./names.js";
import type { Flag } from "./option-specs.js";
import { CASSANDRA_WRITE_MODES, CONSISTENCY_LEVELS, ES_PRODUCTS, ES_VERSIONING_MODES } from "./options.js";
import type {
  CassandraOptions,
  ConsistencyLevel,
  ElasticsearchOptions,
  EsAuth,
  TlsOptions,
} from "./options.js";
import { readOptionFile, readSecret } from "./secrets.js";
import { checkTlsFiles, type OptionFile } from "./tls-files.js";
import type { Warn } from "./secrets.js";
import { asBoolean, asChoice, asInteger, asList, asText, invalid } from "./values.js";
import type { Setting } from "./values.js";

function consistency(refused: readonly ConsistencyLevel[], use: string) {
  return (setting: Setting): ConsistencyLevel => {
    const level = asChoice(setting, CONSISTENCY_LEVELS, true);
    if (refused.includes(level)) throw invalid(setting, `${level} cannot be used for ${use}`);
    return level;
  };
}

function nonEmpty(setting: Setting, items: string[]): string[] {
  if (items.length === 0) throw invalid(setting, "is empty");
  return items;
}

// The files are read here only to refuse, at start-up, one that is missing, unreadable or not PEM;
// the stores read them again when they connect, so the options never hold a private key's content.
async function tls(
  layers: Layers,
  prefix: "cassandra-tls" | "es-tls",
  readFile: ReadFile,
): Promise<{ files: TlsOptions; any: boolean }> {
  const read = async (flag: Flag): Promise<OptionFile | undefined> => {
    const setting = layers.get(flag);
    return setting === undefined ? undefined : { setting, ...(await readOptionFile(setting, readFile)) };
  };
  const caFile = await read(`${prefix}-ca`);
  const certFile = await read(`${prefix}-cert`);
  const keyFile = await read(`${prefix}-key`);
  const [ca, cert, key] = [caFile?.path, certFile?.path, keyFile?.path];
  const insecure = layers.read(`${prefix}-insecure`, asBoolean) ?? false;
  if ((cert === undefined) !== (key === undefined)) {
    throw new ConfigError(
      `${prefix}-${cert === undefined ? "cert" : "key"}`,
      undefined,
      `--${prefix}-cert and --${prefix}-key go together: a client certificate needs its key.`,
    );
  }
  checkTlsFiles(prefix, {
    ...(caFile && { ca: caFile }),
    ...(certFile && { cert: certFile }),
    ...(keyFile && { key: keyFile }),
  });
  const files: TlsOptions = {
    insecure,
    ...(ca === undefined ? {} : { ca }),
    ...(cert === undefined ? {} : { cert }),
    ...(key === undefined ? {} : { key }),
  };
  return { files, any: ca !== undefined || cert !== undefined || insecure };
}

/**
 * Why a user name or a password alone is refused, naming where the one given came from (an exported
 * password is easy to forget); undefined when the store is not used (`used` false: status over a
 * state directory needs neither store), and a lone half is then left unused.
 */
function loneCredential(
  layers: Layers,
  store: "Cassandra" | "Elasticsearch",
  flags: { readonly username: Flag; readonly password: Flag; readonly passwordFile: Flag },
  username: string | undefined,
  used: boolean,
): ConfigError | undefined {
  if (!used) return undefined;
  const given = layers.find(flags.username) ?? layers.find(flags.password) ?? layers.find(flags.passwordFile);
  const password = `${store === "Elasticsearch" ? "an" : "a"} ${store} password`;
  const what = username === undefined ? password : `--${flags.username}`;
  const missing = username === undefined ? `--${flags.username}` : password;
  return new ConfigError(
    username === undefined ? flags.username : flags.password,
    undefined,
    `${what} is set (${describeSource(given?.source ?? { kind: "default" })}) but ${missing} is not; ` +
      `--${flags.username} and ${password} go together: set both or neither.`,
  );
}

const CASSANDRA_LOGIN = {
  username: "cassandra-username",
  password: "cassandra-password",
  passwordFile: "cassandra-password-file",
} as const;
const ES_LOGIN = {
  username: "es-username",
  password: "es-password",
  passwordFile: "es-password-file",
} as const;

export async function cassandraOptions(
  layers: Layers,
  readFile: ReadFile,
  warn: Warn,
  used = true,
): Promise<CassandraOptions> {
  const contactPoints = layers.must("cassandra-contact-points", (s) =>
    nonEmpty(
      s,
      asList(s).map((text) => contactPoint(s, text)),
    ),
  );
  const username = layers.read("cassandra-username", asText);
  const password = await readSecret(layers, "cassandra-password", "cassandra-password-file", readFile, warn);
  if ((username === undefined) !== (password === undefined)) {
    const lone = loneCredential(layers, "Cassandra", CASSANDRA_LOGIN, username, used);
    if (lone !== undefined) throw lone;
  }
  const tlsSettings = await tls(layers, "cassandra-tls", readFile);
  const tlsFlag = layers.find("cassandra-tls");
  const tlsOn = tlsFlag === undefined ? tlsSettings.any : asBoolean(tlsFlag);
  if (tlsFlag !== undefined && !tlsOn && tlsSettings.any) {
    throw invalid(tlsFlag, "is false, yet other --cassandra-tls-* options are set; remove one or the other");
  }
  return {
    contactPoints,
    port: layers.must("cassandra-port", (s) => asInteger(s, 1, 65_535)),
    localDc: layers.must("cassandra-local-dc", asText),
    readConsistency: layers.must("cassandra-read-consistency", consistency(["ANY"], "reads")),
    writeConsistency: layers.must(
      "cassandra-write-consistency",
      consistency(["SERIAL", "LOCAL_SERIAL"], "writes"),
    ),
    writes: layers.must("cassandra-writes", (s) => asChoice(s, CASSANDRA_WRITE_MODES)),
    // Below the 50 KiB at which Cassandra refuses a batch (batch_size_fail_threshold).
    batchBytes: layers.must("cassandra-batch-bytes", (s) => asInteger(s, 0, 50 * 1024 - 1)),
    ...(username !== undefined &&
      password !== undefined && { auth: { username, password: password.secret, from: password.from } }),
    ...(tlsOn && { tls: tlsSettings.files }),
  };
}

/**
 * An API key goes into the Authorization header as it is, which takes printable ASCII only: a key
 * pasted with a line break, a space or beside its id failed every request as a node out of reach.
 */
function apiKeyProblem(key: string): string | undefined {
  return /^[\x21-\x7e]+$/.test(key)
    ? undefined
    : "holds a space, a line break or a character beyond ASCII, which cannot go in an HTTP header: give " +
        "the key's encoded form alone (the `encoded` field Elasticsearch returned when it made the key).";
}

export async function elasticsearchOptions(
  layers: Layers,
  readFile: ReadFile,
  warn: Warn,
  used = true,
): Promise<ElasticsearchOptions> {
  const nodes = layers.must("es-nodes", (s) =>
    nonEmpty(
      s,
      asList(s).map((text) => nodeUrl(s, text)),
    ),
  );
  const username = layers.read("es-username", asText);
  const password = await readSecret(layers, "es-password", "es-password-file", readFile, warn);
  const apiKey = await readSecret(layers, "es-api-key", "es-api-key-file", readFile, warn, apiKeyProblem);
  let auth: EsAuth | undefined;
  if (apiKey !== undefined) {
    if (username !== undefined || password !== undefined) {
      throw new ConfigError(
        "es-api-key",
        undefined,
        "an Elasticsearch API key and a user name or password are both set; use one way to authenticate.",
      );
    }
    auth = { kind: "api-key", apiKey: apiKey.secret, from: apiKey.from };
  } else if (username !== undefined && password !== undefined) {
    auth = { kind: "basic", username, password: password.secret, from: password.from };
  } else if (username !== undefined || password !== undefined) {
    const lone = loneCredential(layers, "Elasticsearch", ES_LOGIN, username, used);
    if (lone !== undefined) throw lone;
  }
  const tlsSettings = await tls(layers, "es-tls", readFile);
  const files = tlsSettings.files;
  if (tlsSettings.any && !nodes.some((node) => node.startsWith("https:"))) {
    throw new ConfigError(
      "es-nodes",
      undefined,
      "--es-tls-* options are set but no --es-nodes URL starts with https://; use https URLs for TLS.",
    );
  }
  return {
    nodes,
    product: layers.must("es-product", (s) => asChoice(s, ES_PRODUCTS)),
    versioning: layers.must("es-versioning", (s) => asChoice(s, ES_VERSIONING_MODES)),
    ...(auth && { auth }),
    tls: files,
  };
}
