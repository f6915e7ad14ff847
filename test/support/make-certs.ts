// Certificates made for one test, with openssl as scripts/certs.sh makes the servers' own: a CA of
// the test's, or the servers' CA, signs leaf certificates with the names, uses and validity a test
// needs (a node certificate that lists DNS names only, a client certificate that expired). They live
// in a temporary folder that `remove()` deletes.
import { execFile } from "node:child_process";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";

const run = promisify(execFile);

/** A certificate and its key, as files. */
export interface IssuedCertificate {
  readonly cert: string;
  readonly key: string;
  readonly pem: string;
}

export interface Issue {
  readonly cn: string;
  /** openssl extension lines, such as `subjectAltName=DNS:db1` or `extendedKeyUsage=clientAuth`. */
  readonly extensions: readonly string[];
  /** Validity as openssl ca takes it (YYYYMMDDHHMMSSZ); 30 days from now without. */
  readonly startDate?: string;
  readonly endDate?: string;
}

/** Why certificates cannot be made here, or false. */
export async function noOpenssl(): Promise<string | false> {
  try {
    await run("openssl", ["version"]);
    return false;
  } catch {
    return "openssl is not installed: the tests make their certificates with it (scripts/certs.sh installs it)";
  }
}

export class CertificateMaker {
  private serial = 0;

  private constructor(
    readonly dir: string,
    /** The CA that signs what `issue` makes: the maker's own, or one given. */
    readonly ca: IssuedCertificate,
  ) {}

  /** A maker with a CA of its own, or signing with `ca` (the servers' CA, say). */
  static async create(ca?: { cert: string; key: string }): Promise<CertificateMaker> {
    const dir = await mkdtemp(join(tmpdir(), "synced-certs-"));
    await writeFile(join(dir, "index.txt"), "");
    await writeFile(join(dir, "serial"), "1000\n");
    if (ca !== undefined) {
      return new CertificateMaker(dir, { ...ca, pem: await readFile(ca.cert, "utf8") });
    }
    const own = { cert: join(dir, "ca.crt"), key: join(dir, "ca.key") };
    await run("openssl", [
      ...["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-sha256", "-days", "30"],
      ...["-subj", "/CN=synced test-made CA", "-keyout", own.key, "-out", own.cert],
      ...["-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign,cRLSign"],
    ]);
    return new CertificateMaker(dir, { ...own, pem: await readFile(own.cert, "utf8") });
  }

  /** A certificate signed by the maker's CA. */
  async issue(name: string, what: Issue): Promise<IssuedCertificate> {
    this.serial += 1;
    const file = (ext: string) => join(this.dir, `${name}.${ext}`);
    await run("openssl", [
      ...["req", "-newkey", "rsa:2048", "-nodes", "-sha256", "-subj", `/CN=${what.cn}`],
      ...["-keyout", file("key"), "-out", file("csr")],
    ]);
    await writeFile(
      file("cnf"),
      [
        "[ca]",
        "default_ca = test",
        "[test]",
        `dir = ${this.dir}`,
        `database = ${join(this.dir, "index.txt")}`,
        `new_certs_dir = ${this.dir}`,
        `serial = ${join(this.dir, "serial")}`,
        "default_md = sha256",
        "unique_subject = no",
        "policy = policy",
        "[policy]",
        "commonName = supplied",
        "",
      ].join("\n"),
    );
    await writeFile(file("ext"), ["basicConstraints=CA:FALSE", ...what.extensions, ""].join("\n"));
    const validity =
      what.startDate !== undefined && what.endDate !== undefined
        ? ["-startdate", what.startDate, "-enddate", what.endDate]
        : ["-days", "30"];
    await run("openssl", [
      ...["ca", "-batch", "-notext", "-config", file("cnf"), "-extfile", file("ext")],
      ...["-cert", this.ca.cert, "-keyfile", this.ca.key, "-in", file("csr"), "-out", file("crt")],
      ...validity,
    ]);
    return { cert: file("crt"), key: file("key"), pem: await readFile(file("crt"), "utf8") };
  }

  async remove(): Promise<void> {
    await rm(this.dir, { recursive: true, force: true });
  }
}
