// A TLS file that holds no PEM certificate or key is refused when the options are read, naming the
// option, where it came from and the file, with exit 2: found at connect time, it was reported as a
// store that cannot be reached, in OpenSSL's words and without the file.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { loadConfig } from "../../src/config/load-config.js";
import type { SyncOptions } from "../../src/config/options.js";
import { ConfigError } from "../../src/core/errors.js";
import { parseRunFlags } from "../support/flags.js";
import { fakeFiles } from "../support/fake-files.js";
import {
  CERT_PEM,
  ENCRYPTED_KEY_PEM,
  EXPIRED_CERT_PEM,
  EXPIRED_KEY_PEM,
  KEY_PEM,
  otherKeyPem,
} from "../support/pem.js";

const FILES: Readonly<Record<string, string>> = {
  "/tls/ca.pem": CERT_PEM,
  "/tls/bundle.pem": `${CERT_PEM}${CERT_PEM}`,
  "/tls/client.crt": CERT_PEM,
  "/tls/client.key": KEY_PEM,
  "/tls/combined.pem": `${CERT_PEM}${KEY_PEM}`,
  "/tls/garbage": "garbage\n",
  "/tls/encrypted.key": ENCRYPTED_KEY_PEM,
  "/tls/other.key": otherKeyPem(),
  "/tls/expired.crt": EXPIRED_CERT_PEM,
  "/tls/expired.key": EXPIRED_KEY_PEM,
  "/tls/truncated.crt": CERT_PEM.slice(0, 120) + "\n-----END CERTIFICATE-----\n",
};

const PREFIXES = [
  { prefix: "cassandra-tls", base: [] },
  { prefix: "es-tls", base: ["--es-nodes", "https://es:9200"] },
] as const;

async function load(argv: string[], env: Record<string, string> = {}): Promise<SyncOptions> {
  const flags = await parseRunFlags(["-k", "app", "-i", "app", ...argv]);
  return loadConfig({ flags, env, readFile: fakeFiles(FILES) });
}

async function refused(promise: Promise<unknown>, option: string, ...parts: string[]): Promise<void> {
  await assert.rejects(promise, (error: unknown) => {
    assert.ok(error instanceof ConfigError, String(error));
    assert.equal(error.option, option, error.message);
    for (const part of parts) assert.ok(error.message.includes(part), `${error.message}\nlacks: ${part}`);
    assert.ok(!error.message.includes("PEM routines"), error.message);
    return true;
  });
}

describe("TLS files checked when the options are read", () => {
  for (const { prefix, base } of PREFIXES) {
    it(`--${prefix}-*: takes PEM certificates, bundles and keys, also in one file`, async () => {
      const ok = await load([
        ...base,
        `--${prefix}-ca`,
        "/tls/bundle.pem",
        `--${prefix}-cert`,
        "/tls/combined.pem",
        `--${prefix}-key`,
        "/tls/combined.pem",
      ]);
      const tls = prefix === "es-tls" ? ok.elasticsearch.tls : ok.cassandra.tls;
      assert.equal(tls?.ca, "/tls/bundle.pem");
      await load([...base, `--${prefix}-cert`, "/tls/client.crt", `--${prefix}-key`, "/tls/client.key"]);
    });

    it(`--${prefix}-ca: refuses a file that holds no PEM certificate`, async () => {
      await refused(
        load([...base, `--${prefix}-ca`, "/tls/garbage"]),
        `${prefix}-ca`,
        `flag --${prefix}-ca: /tls/garbage holds no PEM certificate`,
        "-----BEGIN CERTIFICATE-----",
      );
      await refused(
        load([...base, `--${prefix}-ca`, "/tls/client.key"]),
        `${prefix}-ca`,
        "/tls/client.key holds a private key, not a certificate",
      );
      await refused(
        load([...base, `--${prefix}-ca`, "/tls/truncated.crt"]),
        `${prefix}-ca`,
        "/tls/truncated.crt holds a certificate that cannot be read",
      );
    });

    it(`--${prefix}-cert and --${prefix}-key: refuse what is not a certificate and its key`, async () => {
      const pair = (cert: string, key: string) =>
        load([...base, `--${prefix}-cert`, cert, `--${prefix}-key`, key]);
      await refused(
        pair("/tls/garbage", "/tls/client.key"),
        `${prefix}-cert`,
        "/tls/garbage holds no PEM certificate",
      );
      await refused(
        pair("/tls/client.crt", "/tls/garbage"),
        `${prefix}-key`,
        `flag --${prefix}-key: /tls/garbage holds no PEM private key`,
      );
      await refused(
        pair("/tls/client.crt", "/tls/client.crt"),
        `${prefix}-key`,
        "/tls/client.crt holds a certificate, not a private key",
        `--${prefix}-cert`,
      );
      await refused(
        pair("/tls/client.crt", "/tls/encrypted.key"),
        `${prefix}-key`,
        "/tls/encrypted.key holds an encrypted private key",
        "openssl pkey",
      );
      await refused(
        pair("/tls/client.crt", "/tls/other.key"),
        `${prefix}-key`,
        `the key in /tls/other.key is not the key of the certificate in /tls/client.crt (--${prefix}-cert)`,
      );
    });

    it(`--${prefix}-cert: refuses a client certificate that has expired, with its date`, async () => {
      // A server refuses it in the handshake, where it read as a store that cannot be reached.
      await refused(
        load([...base, `--${prefix}-cert`, "/tls/expired.crt", `--${prefix}-key`, "/tls/expired.key"]),
        `${prefix}-cert`,
        `flag --${prefix}-cert: /tls/expired.crt holds a client certificate that expired on 2020-02-01 00:00:00 UTC`,
        "Renew it",
      );
      // An expired CA is the server's to judge: a bundle may keep an old one beside its successor.
      await load([...base, `--${prefix}-ca`, "/tls/expired.crt"]);
    });
  }

  it("names the variable or the config file key that gave the file", async () => {
    await refused(
      load(["--es-nodes", "https://es:9200"], { SYNCED_ES_TLS_CA: "/tls/garbage" }),
      "es-tls-ca",
      "environment variable SYNCED_ES_TLS_CA: /tls/garbage holds no PEM certificate",
    );
  });
});
