// TLS to both stores, through the real command: Cassandra's native port with a client certificate,
// an Elasticsearch node that serves HTTPS only, the CA given or the check skipped, a certificate from
// an unrelated CA refused with exit 5 and what to do, API keys, and no secret in anything a run leaves.
// scripts/test.sh starts the HTTPS node and exports SYNCED_TEST_ES_TLS_URL and SYNCED_TEST_TLS_DIR (the
// certificates of scripts/certs.sh, which the servers use too); without them these tests are skipped.
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { Client as ElasticsearchClient } from "@elastic/elasticsearch";
import { EXIT } from "../../src/cli/exit-codes.js";
import { runSynced } from "../support/cli.js";
import { Harness } from "../support/harness.js";
import {
  assertNoSecret,
  cert,
  createItems,
  noTlsDir,
  outputs,
  ownIndexRuns,
  written,
  type OwnIndexRun,
  type Place,
} from "../support/tls.js";
import { connectCassandra } from "../../src/stores/cassandra/connect.js";
import { ConnectionError, firstLine } from "../../src/stores/store-errors.js";
import { CertificateMaker, type IssuedCertificate } from "../support/make-certs.js";

const esTlsUrl = process.env["SYNCED_TEST_ES_TLS_URL"];
const noCassandraTls = noTlsDir;
const noEsTls =
  noCassandraTls ||
  (esTlsUrl === undefined
    ? "SYNCED_TEST_ES_TLS_URL is not set: start the HTTPS node (scripts/servers.sh start elasticsearch-tls) and set it"
    : false);

const cassandraClientCert = () => [
  "--cassandra-tls-cert",
  cert("client.crt"),
  "--cassandra-tls-key",
  cert("client.key"),
];

/** Every file under a folder, with its content. */
async function filesUnder(dir: string): Promise<Place[]> {
  const found: Place[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true, recursive: true })) {
    if (!entry.isFile()) continue;
    const path = join(entry.parentPath, entry.name);
    found.push({ path, text: await readFile(path, "utf8") });
  }
  return found;
}

describe("TLS", { skip: noCassandraTls }, () => {
  let h: Harness;
  let tlsEs: ElasticsearchClient | undefined;
  let runOwn: ReturnType<typeof ownIndexRuns>;

  before(async () => {
    h = await Harness.create("tls");
    runOwn = ownIndexRuns(h);
    await createItems(h, "over tls");
    if (esTlsUrl !== undefined) {
      tlsEs = new ElasticsearchClient({
        node: esTlsUrl,
        auth: { username: h.servers.elasticsearchUsername, password: h.servers.elasticsearchPassword },
        tls: { ca: await readFile(cert("ca.crt")) },
      });
    }
  });

  after(async () => {
    await tlsEs?.indices
      .delete({ index: `${h.index}*`, ignore_unavailable: true, allow_no_indices: true })
      .catch(() => undefined);
    await tlsEs?.close();
    await h.cleanup();
  });

  /**
   * The real command, Cassandra to Elasticsearch, into an index of its own (so each run writes the row
   * anew) and a state folder of its own, on the HTTPS node when `https`.
   */
  function run(
    https: boolean,
    extra: readonly string[],
    env: Record<string, string> = {},
  ): Promise<OwnIndexRun> {
    return runOwn(https ? (esTlsUrl ?? "") : undefined, extra, env);
  }

  describe("Cassandra", () => {
    it("connects with the CA and a client certificate, and syncs", async () => {
      const result = await run(false, ["--cassandra-tls-ca", cert("ca.crt"), ...cassandraClientCert()]);
      assert.equal(result.code, EXIT.success, result.stderr);
      assert.equal(await written(h.es, result.index), 1);
    });

    it("connects with --cassandra-tls-insecure and a client certificate, without the CA", async () => {
      const result = await run(false, ["--cassandra-tls-insecure", ...cassandraClientCert()]);
      assert.equal(result.code, EXIT.success, result.stderr);
      assert.equal(await written(h.es, result.index), 1);
    });

    it("refuses a server certificate from another CA: exit 5, the host and what to do", async () => {
      const result = await run(false, ["--cassandra-tls-ca", cert("wrong-ca.crt"), ...cassandraClientCert()]);
      assert.equal(result.code, EXIT.unreachable, result.stderr);
      assert.match(
        result.stderr,
        new RegExp(
          `cannot connect to Cassandra at ${h.servers.cassandraHost}:${h.servers.cassandraPort} over TLS`,
        ),
      );
      assert.match(
        result.stderr,
        /not signed by a CA that synced trusts \(--cassandra-tls-ca .*wrong-ca\.crt\)/,
      );
      assert.match(result.stderr, /--cassandra-tls-insecure/);
    });

    describe("client certificates the server refuses", () => {
      let maker: CertificateMaker;
      let ownCa: CertificateMaker;
      let expired: IssuedCertificate;
      let untrusted: IssuedCertificate;
      const clientAuth = [
        "keyUsage=critical,digitalSignature,keyEncipherment",
        "extendedKeyUsage=clientAuth",
      ];

      before(async () => {
        maker = await CertificateMaker.create({ cert: cert("ca.crt"), key: cert("ca.key") });
        expired = await maker.issue("expired", {
          cn: "expired-client",
          extensions: clientAuth,
          startDate: "20200101000000Z",
          endDate: "20200201000000Z",
        });
        ownCa = await CertificateMaker.create();
        untrusted = await ownCa.issue("untrusted", { cn: "untrusted-client", extensions: clientAuth });
      });
      after(async () => {
        await maker.remove();
        await ownCa.remove();
      });

      // Cassandra answers these with alerts (internal error, certificate expired) that read as a
      // server that cannot be reached, not as a refused certificate.
      const refusedPairs: readonly [string, () => readonly [string, string]][] = [
        ["one from a CA it does not trust", () => [untrusted.cert, untrusted.key]],
        ["one meant for servers only", () => [cert("server.crt"), cert("server.key")]],
      ];
      for (const [what, pair] of refusedPairs) {
        it(`names --cassandra-tls-cert for ${what}: exit 5`, async () => {
          const [certFile, keyFile] = pair();
          const result = await run(false, [
            ...["--cassandra-tls-ca", cert("ca.crt")],
            ...["--cassandra-tls-cert", certFile, "--cassandra-tls-key", keyFile],
          ]);
          assert.equal(result.code, EXIT.unreachable, result.stderr);
          assert.ok(
            result.stderr.includes(
              `Cassandra refused the client certificate (--cassandra-tls-cert ${certFile})`,
            ),
            result.stderr,
          );
          assert.doesNotMatch(result.stderr, /cannot reach Cassandra/);
        });
      }

      it("refuses an expired one at start: exit 2, the file and the date", async () => {
        const result = await run(false, [
          ...["--cassandra-tls-ca", cert("ca.crt")],
          ...["--cassandra-tls-cert", expired.cert, "--cassandra-tls-key", expired.key],
        ]);
        assert.equal(result.code, EXIT.usage, result.stderr);
        assert.ok(
          result.stderr.includes(
            `flag --cassandra-tls-cert: ${expired.cert} holds a client certificate that expired on 2020-02-01 00:00:00 UTC`,
          ),
          result.stderr,
        );
      });

      it("says the server refused an expired one as expired, not that it cannot be reached", async () => {
        // Past the start-up check only when the clocks disagree: connected to directly here.
        const { cassandraHost, cassandraPort, cassandraUsername, cassandraPassword } = h.servers;
        const error = await connectCassandra(
          {
            contactPoints: [cassandraHost],
            port: cassandraPort,
            localDc: "datacenter1",
            readConsistency: "LOCAL_QUORUM",
            writeConsistency: "LOCAL_QUORUM",
            writes: "timestamp",
            batchBytes: 0,
            auth: { username: cassandraUsername, password: cassandraPassword },
            tls: { ca: cert("ca.crt"), cert: expired.cert, key: expired.key, insecure: false },
          },
          10_000,
        ).then(
          async (client) => {
            await client.shutdown();
            return assert.fail("Cassandra took an expired client certificate");
          },
          (e: unknown) => e,
        );
        assert.ok(error instanceof ConnectionError, String(error));
        assert.equal(error.details["tls"], "client-certificate-expired", error.message);
        assert.ok(
          error.message.includes(
            `Cassandra refused the client certificate (--cassandra-tls-cert ${expired.cert}) as expired`,
          ),
          error.message,
        );
      });
    });

    it("says the server requires a client certificate when none is given", async () => {
      // This also shows the runs above spoke TLS: the port takes plain clients too.
      const result = await run(false, ["--cassandra-tls-ca", cert("ca.crt")]);
      assert.equal(result.code, EXIT.unreachable, result.stderr);
      assert.match(
        result.stderr,
        /Cassandra requires a client certificate: give --cassandra-tls-cert and --cassandra-tls-key/,
      );
    });
  });

  describe("Elasticsearch over HTTPS", { skip: noEsTls }, () => {
    const es = (): ElasticsearchClient => {
      assert.ok(tlsEs);
      return tlsEs;
    };

    it("connects with --es-tls-ca, and syncs", async () => {
      const result = await run(true, ["--es-tls-ca", cert("ca.crt")]);
      assert.equal(result.code, EXIT.success, result.stderr);
      assert.equal(await written(es(), result.index), 1);
    });

    it("connects with --es-tls-insecure and no CA", async () => {
      const result = await run(true, ["--es-tls-insecure"]);
      assert.equal(result.code, EXIT.success, result.stderr);
      assert.equal(await written(es(), result.index), 1);
    });

    it("refuses a server certificate from another CA: exit 5, the host and what to do", async () => {
      const result = await run(true, ["--es-tls-ca", cert("wrong-ca.crt")]);
      assert.equal(result.code, EXIT.unreachable, result.stderr);
      assert.ok(
        result.stderr.includes(`cannot connect to Elasticsearch at ${esTlsUrl} over TLS`),
        result.stderr,
      );
      assert.match(result.stderr, /not signed by a CA that synced trusts \(--es-tls-ca .*wrong-ca\.crt\)/);
      assert.match(result.stderr, /--es-tls-insecure/);
    });

    it("without a CA, trusts only the system's CAs and says so", async () => {
      const result = await run(true, []);
      assert.equal(result.code, EXIT.unreachable, result.stderr);
      assert.match(result.stderr, /no --es-tls-ca was given/);
    });

    it("shows a client certificate the node accepts", async () => {
      const result = await run(true, [
        "--es-tls-ca",
        cert("ca.crt"),
        "--es-tls-cert",
        cert("client.crt"),
        "--es-tls-key",
        cert("client.key"),
      ]);
      assert.equal(result.code, EXIT.success, result.stderr);
      assert.equal(await written(es(), result.index), 1);
    });

    it("reports a client certificate the node refuses: exit 5, naming --es-tls-cert", async () => {
      // The unrelated CA's own certificate: not signed by the CA the node trusts.
      const result = await run(true, [
        "--es-tls-ca",
        cert("ca.crt"),
        "--es-tls-cert",
        cert("wrong-ca.crt"),
        "--es-tls-key",
        cert("wrong-ca.key"),
      ]);
      assert.equal(result.code, EXIT.unreachable, result.stderr);
      assert.match(result.stderr, /cannot reach Elasticsearch at https:/);
      assert.match(result.stderr, /it may have refused --es-tls-cert .*wrong-ca\.crt/);
    });

    it("refuses an API key the cluster does not know: exit 5, where the key comes from, not the key", async () => {
      const apiKey = Buffer.from(
        `${randomBytes(8).toString("hex")}:${randomBytes(16).toString("hex")}`,
      ).toString("base64");
      const args = h
        .argsWith({ "--es-nodes": esTlsUrl ?? "" })
        .filter((arg, i, all) => arg !== "--es-username" && all[i - 1] !== "--es-username");
      // The key alone: no Elasticsearch password in the environment.
      const result = await runSynced([...args, "--es-tls-ca", cert("ca.crt"), "--dry-run"], {
        SYNCED_CASSANDRA_PASSWORD: h.servers.cassandraPassword,
        SYNCED_ES_API_KEY: apiKey,
      });
      assert.equal(result.code, EXIT.unreachable, result.stderr);
      assert.match(result.stderr, /Elasticsearch at https:\S+ refused the credentials \(401\)/);
      assert.match(result.stderr, /Check the API key from environment variable SYNCED_ES_API_KEY: /);
      assertNoSecret(apiKey, outputs("api key run", result));
    });

    it("authenticates with an API key the cluster made", async (t) => {
      let encoded: string;
      try {
        encoded = (await es().security.createApiKey({ name: `${h.index}-key` })).encoded;
      } catch (error) {
        // Elasticsearch's integ-test-zip lacks the analysis module its security index needs.
        t.skip(`this Elasticsearch cannot create API keys: ${firstLine(error)}`);
        return;
      }
      const keyFile = join(h.stateDir, "api-key");
      await writeFile(keyFile, `${encoded}\n`, { mode: 0o600 });
      const index = `${h.index}_key`;
      const args = h
        .argsWith({ "--es-nodes": esTlsUrl ?? "", "-i": index })
        .filter((arg, i, all) => arg !== "--es-username" && all[i - 1] !== "--es-username");
      const result = await runSynced(
        [...args, "--es-tls-ca", cert("ca.crt"), "--es-api-key-file", keyFile, "--direction", "to-es"],
        { SYNCED_CASSANDRA_PASSWORD: h.servers.cassandraPassword },
      );
      await rm(keyFile);
      assert.equal(result.code, EXIT.success, result.stderr);
      assert.equal(await written(es(), index), 1);
      assertNoSecret(encoded, outputs("api key run", result));
    });
  });

  describe("secrets", { skip: noEsTls }, () => {
    const role = `tls_secret_${randomBytes(4).toString("hex")}`;
    const cassandraPassword = `cql-${randomBytes(12).toString("hex")}`;

    before(async () => {
      // A login of its own, with a password found nowhere else, so finding it anywhere means a leak.
      await h.cassandra.execute(
        `CREATE ROLE ${role} WITH PASSWORD = '${cassandraPassword}' AND LOGIN = true`,
      );
      // A node that checks permissions (the 4.1 node) lets a new role do nothing until granted.
      if (process.env["SYNCED_TEST_CASSANDRA_AUTHORIZER"] === "1") {
        for (const permission of ["SELECT", "MODIFY"])
          await h.cassandra.execute(`GRANT ${permission} ON KEYSPACE ${h.keyspace} TO ${role}`);
      }
    });
    after(async () => {
      await h.cassandra.execute(`DROP ROLE IF EXISTS ${role}`);
    });

    it("never appear in output, logs, state or dead letters, on success or refusal", async () => {
      const esPassword = h.servers.elasticsearchPassword;
      const secrets = await mkdtemp(join(tmpdir(), "tls-secrets-"));
      try {
        const passwordFile = join(secrets, "es-password");
        await writeFile(passwordFile, `${esPassword}\n`, { mode: 0o600 });
        const index = `${h.index}_secrets`;
        // A document whose id is not a UUID: its record and reason go to the dead-letter file.
        const es = tlsEs;
        assert.ok(es);
        await es.index({
          index: `${index}-items`,
          id: "not-a-uuid",
          document: { tmstmp: new Date(Date.now() - 60_000).toISOString(), name: "bad" },
          refresh: true,
        });
        const state = await mkdtemp(join(h.stateDir, "secrets-"));
        const args = [
          ...h.argsWith({
            "--state": state,
            "-i": index,
            "--cassandra-username": role,
            "--es-nodes": esTlsUrl ?? "",
          }),
          "--cassandra-tls-ca",
          cert("ca.crt"),
          ...cassandraClientCert(),
          "--es-tls-ca",
          cert("ca.crt"),
          "--es-password-file",
          passwordFile,
        ];
        // Cassandra's password from the environment, Elasticsearch's from the file, as users give them.
        const env = { SYNCED_CASSANDRA_PASSWORD: cassandraPassword };
        const synced = await runSynced(args, env);
        assert.equal(synced.code, EXIT.partial, synced.stderr);
        assert.equal(await written(es, index), 2);
        const json = await runSynced([...args, "--json"], env);
        assert.equal(json.code, EXIT.partial, json.stderr);
        const letters = await runSynced(["dead-letters", "list", ...args], env);
        assert.equal(letters.code, EXIT.success, letters.stderr);
        assert.match(letters.stdout, /not-a-uuid/);

        const wrongCassandra = `cql-${randomBytes(12).toString("hex")}`;
        const refusedCassandra = await runSynced(args, { SYNCED_CASSANDRA_PASSWORD: wrongCassandra });
        assert.equal(refusedCassandra.code, EXIT.unreachable, refusedCassandra.stderr);
        assert.match(refusedCassandra.stderr, /refused the credentials of user/);
        const wrongEs = `es-${randomBytes(12).toString("hex")}`;
        await writeFile(passwordFile, wrongEs, { mode: 0o600 });
        const refusedEs = await runSynced(args, env);
        assert.equal(refusedEs.code, EXIT.unreachable, refusedEs.stderr);
        assert.match(refusedEs.stderr, /refused the credentials \(401\)/);

        const files = await filesUnder(state);
        assert.ok(
          files.some((f) => f.path.endsWith(".dead-letters.ndjson") && f.text.includes("not-a-uuid")),
          `no dead letter among ${files.map((f) => f.path).join(", ")}`,
        );
        assert.ok(
          files.some((f) => f.path.endsWith(".json")),
          "no state file",
        );
        const places = [
          ...outputs("run", synced),
          ...outputs("--json run", json),
          ...outputs("dead-letters list", letters),
          ...outputs("run with a wrong Cassandra password", refusedCassandra),
          ...outputs("run with a wrong Elasticsearch password", refusedEs),
          ...files,
        ];
        for (const secret of [cassandraPassword, esPassword, wrongCassandra, wrongEs])
          assertNoSecret(secret, places);
      } finally {
        await rm(secrets, { recursive: true, force: true });
      }
    });
  });
});
