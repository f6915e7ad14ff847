// OpenSearch with its security plugin, through the real command: HTTPS only and a login required, as
// production OpenSearch clusters run. The CA given or the check skipped, a client certificate shown,
// a certificate from an unrelated CA and a wrong password refused with exit 5 and what to do, the
// product found by asking the cluster (through TLS and the login), and the password in no output.
// scripts/test.sh starts the node (scripts/servers.sh start opensearch-tls, OpenSearch 2.19.4) and
// exports SYNCED_TEST_OS_TLS_URL and SYNCED_TEST_TLS_DIR (the certificates of scripts/certs.sh, which
// the node uses); without them these tests are skipped. The node takes the login of the other tests
// (SYNCED_TEST_ES_USERNAME and SYNCED_TEST_ES_PASSWORD).
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { after, before, describe, it } from "node:test";
import { EXIT } from "../../src/cli/exit-codes.js";
import { connectSearch } from "../../src/cli/connections.js";
import { searchFixture, type SearchFixture } from "../support/search-fixture.js";
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
} from "../support/tls.js";

const osTlsUrl = process.env["SYNCED_TEST_OS_TLS_URL"];
const noOsTls =
  noTlsDir ||
  (osTlsUrl === undefined
    ? "SYNCED_TEST_OS_TLS_URL is not set: start the OpenSearch node with the security plugin " +
      "(scripts/servers.sh start opensearch-tls) and set it to https://127.0.0.1:29201"
    : false);

describe("OpenSearch with the security plugin", { skip: noOsTls }, () => {
  let h: Harness;
  let os: SearchFixture | undefined;
  let runOwn: ReturnType<typeof ownIndexRuns>;
  const rowName = "over tls to opensearch";

  before(async () => {
    h = await Harness.create("os_tls");
    runOwn = ownIndexRuns(h);
    await createItems(h, rowName);
    // synced's own OpenSearch client, to read back what the runs wrote.
    os = searchFixture(
      await connectSearch(
        {
          nodes: [osTlsUrl ?? ""],
          product: "opensearch",
          versioning: "optimistic",
          auth: {
            kind: "basic",
            username: h.servers.elasticsearchUsername,
            password: h.servers.elasticsearchPassword,
          },
          tls: { insecure: false, ca: cert("ca.crt") },
        },
        10_000,
      ),
    );
  });

  after(async () => {
    await os?.indices
      .delete({ index: `${h.index}*`, ignore_unavailable: true, allow_no_indices: true })
      .catch(() => undefined);
    await os?.close();
    await h.cleanup();
  });

  /**
   * The real command, Cassandra to the secured OpenSearch, into an index and a state folder of its
   * own, with the login of the harness unless `env` replaces it. No output may hold a password.
   */
  async function run(extra: readonly string[], env: Record<string, string> = {}): Promise<OwnIndexRun> {
    const result = await runOwn(osTlsUrl ?? "", extra, env);
    const secrets = [h.servers.elasticsearchPassword, ...Object.values(env)].filter((s) => s !== "");
    for (const secret of secrets) assertNoSecret(secret, outputs(`run into ${result.index}`, result));
    return result;
  }

  async function assertSynced(result: OwnIndexRun): Promise<void> {
    assert.equal(result.code, EXIT.success, result.stderr);
    assert.ok(os);
    assert.equal(await written(os, result.index), 1);
    const found = await os.search<{ name?: string }>({ index: `${result.index}-items` });
    assert.deepEqual(
      found.hits.hits.map((hit) => hit._source?.name),
      [rowName],
    );
  }

  it("connects over HTTPS with --es-tls-ca and the login, and syncs", async () => {
    await assertSynced(await run(["--es-product", "opensearch", "--es-tls-ca", cert("ca.crt")]));
  });

  it("refuses a wrong password: exit 5, OpenSearch refused the credentials, the password not printed", async () => {
    const wrong = `os-${randomBytes(12).toString("hex")}`;
    const result = await run(["--es-product", "opensearch", "--es-tls-ca", cert("ca.crt")], {
      SYNCED_ES_PASSWORD: wrong,
    });
    assert.equal(result.code, EXIT.unreachable, result.stderr);
    assert.ok(
      result.stderr.includes(`OpenSearch at ${osTlsUrl} refused the credentials (401)`),
      result.stderr,
    );
    assert.match(
      result.stderr,
      /Check --es-username \('synced'\) and the password from environment variable SYNCED_ES_PASSWORD/,
    );
  });

  it("refuses a server certificate from another CA: exit 5, the host and what to do", async () => {
    const result = await run(["--es-product", "opensearch", "--es-tls-ca", cert("wrong-ca.crt")]);
    assert.equal(result.code, EXIT.unreachable, result.stderr);
    assert.ok(result.stderr.includes(`cannot connect to OpenSearch at ${osTlsUrl} over TLS`), result.stderr);
    assert.match(result.stderr, /not signed by a CA that synced trusts \(--es-tls-ca .*wrong-ca\.crt\)/);
    assert.match(result.stderr, /--es-tls-insecure/);
  });

  it("connects with --es-tls-insecure and no CA", async () => {
    await assertSynced(await run(["--es-product", "opensearch", "--es-tls-insecure"]));
  });

  it("shows a client certificate the node accepts", async () => {
    await assertSynced(
      await run([
        "--es-product",
        "opensearch",
        "--es-tls-ca",
        cert("ca.crt"),
        "--es-tls-cert",
        cert("client.crt"),
        "--es-tls-key",
        cert("client.key"),
      ]),
    );
  });

  it("reports a client certificate the node refuses: exit 5, naming --es-tls-cert", async () => {
    // The unrelated CA's own certificate: not signed by the CA the node trusts.
    const result = await run([
      "--es-product",
      "opensearch",
      "--es-tls-ca",
      cert("ca.crt"),
      "--es-tls-cert",
      cert("wrong-ca.crt"),
      "--es-tls-key",
      cert("wrong-ca.key"),
    ]);
    assert.equal(result.code, EXIT.unreachable, result.stderr);
    assert.ok(result.stderr.includes(`cannot connect to OpenSearch at ${osTlsUrl} over TLS`), result.stderr);
    assert.match(result.stderr, /refused the client certificate \(--es-tls-cert .*wrong-ca\.crt\)/);
  });

  it("finds OpenSearch with --es-product auto through TLS and the login", async () => {
    // The Elasticsearch client is asked first; it gets through TLS and the login, then refuses the
    // product, and synced asks again with the OpenSearch client.
    await assertSynced(await run(["--es-product", "auto", "--es-tls-ca", cert("ca.crt")]));
    const refused = await run(["--es-product", "elasticsearch", "--es-tls-ca", cert("ca.crt")]);
    assert.equal(refused.code, EXIT.usage, refused.stderr);
    assert.match(refused.stderr, /is not Elasticsearch \(--es-product elasticsearch\)/);
  });
});
