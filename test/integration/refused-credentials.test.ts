// A password or API key that a store refuses ends the run with exit 5, and the message names where
// that secret came from (a flag, the environment, a file and the option that named it, or the config
// file and its key), as the refusals of other options do, never the secret itself.
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { EXIT } from "../../src/cli/exit-codes.js";
import { Harness } from "../support/harness.js";

/** The ways a user gives a secret, each with the environment and flags that give it, and its name. */
interface Way {
  readonly name: string;
  readonly args: readonly string[];
  readonly env: Record<string, string>;
  /** What the message must say, as a fixed string. */
  readonly said: string;
}

describe("refused credentials", () => {
  let h: Harness;
  const wrong = `wrong-${randomBytes(8).toString("hex")}`;

  before(async () => {
    h = await Harness.create("refusedcreds");
  });
  after(() => h.cleanup());

  /** A file in this world's state directory holding `text` and a newline, as `echo` leaves it. */
  const file = async (name: string, text: string): Promise<string> => {
    const path = join(h.stateDir, name);
    await writeFile(path, `${text}\n`, { mode: 0o600 });
    return path;
  };

  /**
   * The four ways of giving a store's password: `flag` (`cassandra-password`), its variable, a file
   * named by the -file flag, and a file named by the config file's key. The right password stays in
   * the environment where a higher layer must outrank it, and is emptied (unset) where it must not.
   */
  const ways = async (store: "cassandra" | "es", section: "cassandra" | "elasticsearch"): Promise<Way[]> => {
    const variable = `SYNCED_${store.toUpperCase()}_PASSWORD`;
    const flagFile = await file(`${store}-flag-password`, wrong);
    const keyFile = await file(`${store}-key-password`, wrong);
    const config = await file(`${store}-config.yaml`, `${section}:\n  passwordFile: ${keyFile}`);
    return [
      {
        name: "a flag",
        args: [`--${store}-password`, wrong],
        env: {},
        said: `the password from flag --${store}-password`,
      },
      {
        name: "the environment",
        args: [],
        env: { [variable]: wrong },
        said: `the password from environment variable ${variable}`,
      },
      {
        name: "a file",
        args: [`--${store}-password-file`, flagFile],
        env: {},
        said: `the password in the file ${flagFile} (flag --${store}-password-file)`,
      },
      {
        name: "the config file",
        args: ["--config", config],
        env: { [variable]: "" },
        said: `the password in the file ${keyFile} (config file ${config}, key ${section}.passwordFile)`,
      },
    ];
  };

  it("names where Cassandra's refused password came from, each way it can be given", async () => {
    for (const way of await ways("cassandra", "cassandra")) {
      const result = await h.cli([...h.baseArgs(), ...way.args, "--dry-run"], way.env);
      assert.equal(result.code, EXIT.unreachable, `${way.name}: ${result.stderr}`);
      assert.match(
        result.stderr,
        /Cassandra at 127\.0\.0\.1:\d+ refused the credentials of user 'cassandra'/,
      );
      assert.ok(result.stderr.includes(way.said), `${way.name}: no "${way.said}" in ${result.stderr}`);
      assert.ok(!result.stderr.includes(wrong), `${way.name}: the password printed: ${result.stderr}`);
    }
  });

  it("names where the search side's refused password came from, each way it can be given", async (t) => {
    if (h.es.product === "opensearch") {
      // OpenSearch's integ-test-zip has no security plugin: it takes any login.
      t.skip("this OpenSearch asks for no login");
      return;
    }
    for (const way of await ways("es", "elasticsearch")) {
      const result = await h.cli([...h.baseArgs(), ...way.args, "--dry-run"], way.env);
      assert.equal(result.code, EXIT.unreachable, `${way.name}: ${result.stderr}`);
      assert.match(result.stderr, /Elasticsearch at http:\/\/\S+ refused the credentials \(401\)/);
      assert.match(result.stderr, /Check --es-username \('synced'\)/);
      assert.ok(result.stderr.includes(way.said), `${way.name}: no "${way.said}" in ${result.stderr}`);
      assert.ok(!result.stderr.includes(wrong), `${way.name}: the password printed: ${result.stderr}`);
    }
  });

  /** The base flags without `flag` and its value: a user who gave no login for that store. */
  const without = (flag: string): string[] =>
    h.baseArgs().filter((arg, i, all) => arg !== flag && all[i - 1] !== flag);

  it("says that Cassandra asks for a login none was given, and how to give one", async () => {
    const result = await h.cli([...without("--cassandra-username"), "--dry-run"], {
      SYNCED_CASSANDRA_PASSWORD: "",
    });
    assert.equal(result.code, EXIT.unreachable, result.stderr);
    assert.match(result.stderr, /Cassandra at 127\.0\.0\.1:\d+ asks for a login, and none was given/);
    assert.match(result.stderr, /give --cassandra-username with SYNCED_CASSANDRA_PASSWORD/);
    assert.doesNotMatch(result.stderr, /refused the credentials/);
  });

  it("says that the search side asks for a login none was given, and how to give one", async (t) => {
    if (h.es.product === "opensearch") {
      t.skip("this OpenSearch asks for no login");
      return;
    }
    const result = await h.cli([...without("--es-username"), "--dry-run"], { SYNCED_ES_PASSWORD: "" });
    assert.equal(result.code, EXIT.unreachable, result.stderr);
    assert.match(result.stderr, /Elasticsearch at http:\/\/\S+ asks for a login \(401\), and none was given/);
    assert.match(result.stderr, /give --es-username with SYNCED_ES_PASSWORD/);
    assert.doesNotMatch(result.stderr, /refused the credentials/);
  });

  it("names where a refused API key came from", async (t) => {
    if (h.es.product === "opensearch") {
      t.skip("OpenSearch takes no API key: search-products.test.ts tests its refusal");
      return;
    }
    const key = Buffer.from(`${randomBytes(8).toString("hex")}:${randomBytes(16).toString("hex")}`).toString(
      "base64",
    );
    const keyFile = await file("api-key", key);
    // The key alone: no user name and no Elasticsearch password.
    const args = h
      .baseArgs()
      .filter((arg, i, all) => arg !== "--es-username" && all[i - 1] !== "--es-username");
    const given = [
      {
        name: "the environment",
        args: [],
        env: { SYNCED_ES_API_KEY: key },
        said: "the API key from environment variable SYNCED_ES_API_KEY",
      },
      {
        name: "a file",
        args: ["--es-api-key-file", keyFile],
        env: {},
        said: `the API key in the file ${keyFile} (flag --es-api-key-file)`,
      },
    ];
    for (const way of given) {
      const result = await h.cli([...args, ...way.args, "--dry-run"], { SYNCED_ES_PASSWORD: "", ...way.env });
      assert.equal(result.code, EXIT.unreachable, `${way.name}: ${result.stderr}`);
      assert.match(result.stderr, /Elasticsearch at http:\/\/\S+ refused the credentials \(401\)/);
      assert.ok(result.stderr.includes(way.said), `${way.name}: no "${way.said}" in ${result.stderr}`);
      assert.match(result.stderr, /it must be the encoded key/);
      assert.ok(!result.stderr.includes(key), `${way.name}: the key printed: ${result.stderr}`);
    }
  });
});
