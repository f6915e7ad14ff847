import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { parseRunFlags } from "../support/flags.js";
import { fakeFiles } from "../support/fake-files.js";
import { ConfigError } from "../../src/core/errors.js";
import { loadConfig } from "../../src/config/load-config.js";
import type { SyncOptions } from "../../src/config/options.js";
import { redactedConfig } from "../../src/config/redact.js";

const BASE = ["-k", "app", "-i", "app"];

async function load(
  argv: string[],
  env: Record<string, string> = {},
  files: Record<string, string> = {},
  warnings: string[] = [],
): Promise<SyncOptions> {
  const warn = (message: string): void => void warnings.push(message);
  return loadConfig({
    flags: await parseRunFlags([...BASE, ...argv]),
    env,
    readFile: fakeFiles(files),
    warn,
  });
}

async function refusal(promise: Promise<unknown>): Promise<ConfigError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  assert.fail("expected a ConfigError");
}

describe("secrets", () => {
  it("reads passwords and API keys from files, without the trailing newline", async () => {
    const files = { "/run/cass": "s3cret\n", "/run/key": "a2V5\r\n" };
    const options = await load(
      ["--cassandra-username", "synced", "--cassandra-password-file", "/run/cass"],
      { SYNCED_ES_API_KEY_FILE: "/run/key" },
      files,
    );
    assert.deepEqual(options.cassandra.auth, {
      username: "synced",
      password: "s3cret",
      from: { source: { kind: "flag", flag: "--cassandra-password-file" }, file: "/run/cass" },
    });
    assert.deepEqual(options.elasticsearch.auth, {
      kind: "api-key",
      apiKey: "a2V5",
      from: { source: { kind: "env", variable: "SYNCED_ES_API_KEY_FILE" }, file: "/run/key" },
    });
  });

  it("reads them from the environment and from the config file", async () => {
    const files = {
      "c.yaml": "elasticsearch:\n  username: elastic\n  passwordFile: /run/es\n",
      "/run/es": "from-file",
    };
    const fromFile = await load(["--config", "c.yaml"], {}, files);
    assert.deepEqual(fromFile.elasticsearch.auth, {
      kind: "basic",
      username: "elastic",
      password: "from-file",
      from: { source: { kind: "file", path: "c.yaml", key: "elasticsearch.passwordFile" }, file: "/run/es" },
    });
    // The environment's password outranks the file's password file: they count as one setting.
    const fromEnv = await load(["--config", "c.yaml"], { SYNCED_ES_PASSWORD: "from-env" }, files);
    assert.deepEqual(fromEnv.elasticsearch.auth, {
      kind: "basic",
      username: "elastic",
      password: "from-env",
      from: { source: { kind: "env", variable: "SYNCED_ES_PASSWORD" } },
    });
  });

  it("refuses a secret and its file set in the same layer", async () => {
    const error = await refusal(
      load(
        [],
        { SYNCED_ES_USERNAME: "e", SYNCED_ES_PASSWORD: "x", SYNCED_ES_PASSWORD_FILE: "/run/es" },
        { "/run/es": "y" },
      ),
    );
    assert.match(error.message, /SYNCED_ES_PASSWORD and .*SYNCED_ES_PASSWORD_FILE/);
  });

  it("refuses an empty or unreadable secret file, naming the option", async () => {
    const empty = await refusal(
      load(["--es-username", "e", "--es-password-file", "/run/es"], {}, { "/run/es": "\n" }),
    );
    assert.match(empty.message, /flag --es-password-file: the file \/run\/es is empty/);
    const missing = await refusal(
      load([], { SYNCED_CASSANDRA_USERNAME: "u", SYNCED_CASSANDRA_PASSWORD_FILE: "/nope" }),
    );
    assert.match(missing.message, /environment variable SYNCED_CASSANDRA_PASSWORD_FILE: cannot read \/nope/);
    assert.equal(missing.option, "cassandra-password-file");
  });

  it("warns about a password on the command line", async () => {
    const warnings: string[] = [];
    await load(["--es-username", "e", "--es-password", "hunter2"], {}, {}, warnings);
    assert.equal(warnings.length, 1);
    assert.match(warnings[0] ?? "", /SYNCED_ES_PASSWORD/);
    assert.ok(!(warnings[0] ?? "").includes("hunter2"));
  });

  it("keeps spaces around a secret given directly", async () => {
    const options = await load([], { SYNCED_ES_USERNAME: "e", SYNCED_ES_PASSWORD: " pass word " });
    assert.deepEqual(options.elasticsearch.auth, {
      kind: "basic",
      username: "e",
      password: " pass word ",
      from: { source: { kind: "env", variable: "SYNCED_ES_PASSWORD" } },
    });
  });

  it("warns about a misspelt SYNCED_ variable", async () => {
    const warnings: string[] = [];
    await load([], { SYNCED_BATCHSIZE: "5", SYNCED_TEST_CASSANDRA: "x", OTHER: "y" }, {}, warnings);
    assert.deepEqual(warnings, [
      "SYNCED_BATCHSIZE is not a synced variable and is ignored; did you mean SYNCED_BATCH_SIZE?",
    ]);
  });

  it("says of a variable named after an option of one command that only the flag sets it", async () => {
    const warnings: string[] = [];
    await load([], { SYNCED_YES: "1", SYNCED_EVERY: "1m", SYNCED_COPY_MISSING: "true" }, {}, warnings);
    assert.deepEqual(warnings, [
      "SYNCED_YES is not a synced variable and is ignored: --yes (synced state, synced dead-letters purge) is a flag only",
      "SYNCED_EVERY is not a synced variable and is ignored: --every (synced watch) is a flag only",
      "SYNCED_COPY_MISSING is not a synced variable and is ignored: --copy-missing (synced verify) is a flag only",
    ]);
  });

  it("never echoes a secret in an error", async () => {
    const number = await refusal(
      load(["--config", "c.yaml"], {}, { "c.yaml": "cassandra:\n  password: 123456\n" }),
    );
    assert.match(number.message, /key cassandra\.password: must be a string; quote it/);
    assert.ok(!number.message.includes("123456"));
    const url = await refusal(load(["--es-nodes", "https://elastic:hunter2@es:9200"]));
    assert.match(url.message, /must not hold credentials/);
    assert.ok(!JSON.stringify({ message: url.message, details: url.details }).includes("hunter2"));
  });

  // Tried as a new user would: a key pasted with its line break, or beside its id, failed every
  // request with "invalid authorization header", reported as Elasticsearch out of reach (exit 5).
  it("refuses an API key that no HTTP header can carry, naming where it came from, not the key", async () => {
    for (const key of ["a2V5\nc2Vjb25k", "id a2V5", "a2V5é"]) {
      const refused = await refusal(load([], { SYNCED_ES_API_KEY: key }));
      assert.match(refused.message, /environment variable SYNCED_ES_API_KEY: .*cannot go in an HTTP header/);
      assert.ok(!refused.message.includes("a2V5"), refused.message);
    }
    const fromFile = await refusal(
      load([], { SYNCED_ES_API_KEY_FILE: "/run/key" }, { "/run/key": "a\tb\n" }),
    );
    assert.match(
      fromFile.message,
      /environment variable SYNCED_ES_API_KEY_FILE: .*cannot go in an HTTP header/,
    );
  });

  it("refuses half of a credential pair, and two ways to authenticate", async () => {
    assert.match((await refusal(load(["--es-username", "e"]))).message, /set both or neither/);
    assert.match(
      (await refusal(load([], { SYNCED_CASSANDRA_PASSWORD: "p" }))).message,
      /set both or neither/,
    );
    const both = await refusal(
      load(["--es-username", "e"], { SYNCED_ES_PASSWORD: "p", SYNCED_ES_API_KEY: "k" }),
    );
    assert.match(both.message, /use one way to authenticate/);
  });
});

describe("redactedConfig", () => {
  it("replaces every secret and keeps the rest readable", async () => {
    const secrets = ["cass-pw-1", "es-pw-2", "es-key-3"];
    const withPasswords = await load([
      "--cassandra-username",
      "synced",
      "--cassandra-password",
      "cass-pw-1",
      "--es-username",
      "elastic",
      "--es-password",
      "es-pw-2",
      "-b",
      "1420070400.000001",
    ]);
    const withKey = await load([], { SYNCED_ES_API_KEY: "es-key-3" });
    for (const options of [withPasswords, withKey]) {
      const text = JSON.stringify(redactedConfig(options));
      for (const secret of secrets) assert.ok(!text.includes(secret), `${secret} leaked: ${text}`);
      assert.ok(text.includes('"[redacted]"'));
    }
    const redacted = redactedConfig(withPasswords);
    assert.equal(redacted["begin"], "2015-01-01T00:00:00.000001Z");
    assert.deepEqual(redacted["cassandra"], {
      ...withPasswords.cassandra,
      // Where the password came from is kept: it names an option, never the secret.
      auth: {
        username: "synced",
        password: "[redacted]",
        from: { source: { kind: "flag", flag: "--cassandra-password" } },
      },
    });
    // The options themselves are left intact for the stores.
    assert.equal(withPasswords.cassandra.auth?.password, "cass-pw-1");
  });
});
