// Bad settings are refused before synced connects to anything: with both stores unreachable, a
// refusal exits 2 with a message naming the option, where connecting first would exit 5.
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { after, before, describe, it } from "node:test";
import { EXIT } from "../../src/cli/exit-codes.js";
import { runSynced } from "../support/cli.js";

const UNREACHABLE = [
  "-k",
  "app",
  "-i",
  "app",
  "--cassandra-contact-points",
  "127.0.0.1",
  "--cassandra-port",
  "1",
  "--es-nodes",
  "https://127.0.0.1:1",
];

describe("settings refused before connecting", () => {
  let dir: string;
  let pem: string;

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), "refusals-"));
    pem = join(dir, "present.pem");
    await writeFile(pem, "-----BEGIN CERTIFICATE-----\n");
  });
  after(() => rm(dir, { recursive: true, force: true }));

  async function refused(args: string[], option: RegExp, env: Record<string, string> = {}): Promise<string> {
    const state = args.includes("--state") ? [] : ["--state", join(dir, "state")];
    // Long enough to start on a busy machine; a refusal that waits on a file instead fails here.
    const result = await runSynced([...UNREACHABLE, ...state, ...args], env, 30_000);
    assert.equal(result.code, EXIT.usage, `${args.join(" ")}: ${result.stderr}`);
    assert.match(result.stderr, option, args.join(" "));
    return result.stderr;
  }

  it("names a TLS or secret file that cannot be read, and why", async () => {
    const missing = join(dir, "nonexistent.pem");
    const cases: [string[], RegExp][] = [
      [["--es-tls-ca", missing], /--es-tls-ca.*nonexistent\.pem.*(no such file|ENOENT)/i],
      [["--es-tls-cert", pem, "--es-tls-key", missing], /--es-tls-key.*nonexistent\.pem/],
      [["--es-tls-cert", missing, "--es-tls-key", pem], /--es-tls-cert.*nonexistent\.pem/],
      [["--cassandra-tls-ca", missing], /--cassandra-tls-ca.*nonexistent\.pem/],
      [
        ["--cassandra-tls-cert", pem, "--cassandra-tls-key", missing],
        /--cassandra-tls-key.*nonexistent\.pem/,
      ],
      [["--cassandra-tls-ca", dir], /--cassandra-tls-ca.*(directory|EISDIR)/i],
      [["--es-api-key-file", missing], /--es-api-key-file.*nonexistent\.pem/],
      [["--es-username", "u", "--es-password-file", missing], /--es-password-file.*nonexistent\.pem/],
      [["--cassandra-username", "u", "--cassandra-password-file", missing], /--cassandra-password-file/],
    ];
    for (const [args, option] of cases) await refused(args, option);
  });

  it("refuses a FIFO, a device or an oversized file as a secret, TLS or config file, at once", async () => {
    const fifo = join(dir, "secret.fifo");
    await promisify(execFile)("mkfifo", [fifo]);
    const big = join(dir, "big.pem");
    await writeFile(big, "x".repeat(1024 * 1024 + 1));
    const pointingAtFifo = join(dir, "fifo.yaml");
    await writeFile(pointingAtFifo, `elasticsearch:\n  tlsCa: ${fifo}\n`);
    const notRegular = "not a regular file.*give the path of a regular file";
    const cases: [string[], RegExp, Record<string, string>?][] = [
      [
        ["--cassandra-username", "u", "--cassandra-password-file", fifo],
        new RegExp(`flag --cassandra-password-file: ${fifo} is a FIFO, ${notRegular}`),
      ],
      [["--es-tls-ca", fifo], new RegExp(`flag --es-tls-ca: ${fifo} is a FIFO, ${notRegular}`)],
      [["--config", fifo], new RegExp(`flag --config: .*${fifo} is a FIFO, ${notRegular}`)],
      [
        ["--cassandra-username", "u", "--cassandra-password-file", "/dev/zero"],
        new RegExp(`flag --cassandra-password-file: /dev/zero is a device, ${notRegular}`),
      ],
      [
        [],
        new RegExp(`environment variable SYNCED_ES_API_KEY_FILE: ${fifo} is a FIFO, ${notRegular}`),
        { SYNCED_ES_API_KEY_FILE: fifo },
      ],
      [
        ["--config", pointingAtFifo],
        new RegExp(`config file ${pointingAtFifo}, key elasticsearch.tlsCa: ${fifo} is a FIFO`),
      ],
      [["--es-tls-ca", big], /flag --es-tls-ca: .*big\.pem is larger than 1 MiB.*right file/],
      [["--config", big], /flag --config: .*big\.pem is larger than 1 MiB.*right file/],
    ];
    for (const [args, message, env] of cases) {
      const stderr = await refused(args, message, env);
      assert.doesNotMatch(stderr, /Invalid string length/);
    }
  });

  it("refuses a state or dead-letter index among the synced indices before connecting", async () => {
    await refused(["--state", "es:app"], /flag --state: the state index 'app' is -i app itself/);
    await refused(
      ["--dead-letter", "es:app-letters"],
      /flag --dead-letter: .*'app-letters' starts with 'app-'/,
    );
  });

  it("names a TLS file that holds no PEM certificate or key, and the option, before connecting", async () => {
    const garbage = join(dir, "garbage.key");
    await writeFile(garbage, "not a key\n");
    const stderr = await refused(
      ["--es-tls-cert", pem, "--es-tls-key", garbage],
      /flag --es-tls-cert: .*present\.pem holds a certificate that cannot be read/,
    );
    assert.doesNotMatch(stderr, /cannot reach|PEM routines/);
    await refused(
      ["--cassandra-tls-ca", garbage],
      /flag --cassandra-tls-ca: .*garbage\.key holds no PEM certificate/,
    );
  });

  it("bounds every duration, with the largest value it takes", async () => {
    await refused(["--lease-ttl", "99999999d"], /--lease-ttl.*at most 1d/);
    await refused(["--lease-ttl", "500ms"], /--lease-ttl.*at least 1s/);
    await refused(["--lag", "400d"], /--lag.*at most 30d/);
    await refused(["--max-future", "99999999d"], /--max-future.*at most 3650d/);
    await refused(["--connect-timeout", "0"], /--connect-timeout.*at least 100ms/);
    await refused(["--state-timeout", "2h"], /--state-timeout.*at most 10m/);
  });

  it("checks the range against the clock before connecting", async () => {
    const inAnHour = String(Math.floor(Date.now() / 1000) + 3600);
    await refused(["-e", inAnHour], /after now/);
    await refused(["-b", inAnHour], /begin .*\(-b\) is not before the end .*\(now minus --lag, 30s\)/);
  });

  it("refuses a state directory that cannot be created, instead of hanging", async () => {
    const stderr = await refused(["--state", "/proc/synced-test/state"], /state/);
    assert.match(stderr, /\/proc\/synced-test\/state/);
  });

  it("refuses a dead-letter file that could not take a letter before connecting", async () => {
    const fifo = join(dir, "letters.fifo");
    await promisify(execFile)("mkfifo", [fifo]);
    const cannot = "flag --dead-letter: the dead-letter file";
    await refused(["--dead-letter", "/proc/self/dl.ndjson"], new RegExp(`${cannot} /proc/self/dl\\.ndjson`));
    await refused(["--dead-letter", dir], new RegExp(`${cannot} ${dir} is a directory, not a regular file`));
    await refused(["--dead-letter", fifo], new RegExp(`${cannot} ${fifo} is a FIFO, not a regular file`));
    // Beside the state, where a run's letters go unless --dead-letter says otherwise.
    const state = join(dir, "fifo-state");
    await mkdir(state);
    await promisify(execFile)("mkfifo", [join(state, "fifo.dead-letters.ndjson")]);
    await refused(
      ["--state", state, "--name", "fifo"],
      /flag --state: the dead-letter file .*fifo\.dead-letters\.ndjson is a FIFO, not a regular file/,
    );
  });

  it("refuses verify --repair with --dry-run: one writes, the other promises not to", async () => {
    const stderr = await refused(["verify", "--repair", "--dry-run"], /--repair writes.*--dry-run/);
    assert.doesNotMatch(stderr, /\n\s+at /, "a refusal prints no stack trace");
  });
});

// Tried as an operator would: --quiet promises errors only, and a misspelt variable's notice was
// printed all the same, since it came before the log level was read.
describe("notices about the settings", () => {
  it("follow the log level: --quiet keeps them out, the default shows them", async () => {
    const dir = await mkdtemp(join(tmpdir(), "notices-"));
    try {
      const args = ["status", "--state", dir];
      const shown = await runSynced(args, { SYNCED_LAGG: "1m" }, 30_000);
      assert.equal(shown.code, EXIT.success, shown.stderr);
      assert.match(
        shown.stderr,
        /SYNCED_LAGG is not a synced variable and is ignored; did you mean SYNCED_LAG\?/,
      );
      const quiet = await runSynced([...args, "--quiet"], { SYNCED_LAGG: "1m" }, 30_000);
      assert.equal(quiet.code, EXIT.success, quiet.stderr);
      assert.doesNotMatch(quiet.stderr, /SYNCED_LAGG/);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
