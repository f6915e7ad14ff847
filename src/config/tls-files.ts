// What a TLS option's file holds is checked when the options are read, so a file that is no PEM
// certificate or key fails the start with exit 2, naming the option and the file. Found only when
// connecting, it read as a store that cannot be reached, in OpenSSL's words ("PEM routines::no start
// line") and without the file; and a CA file with no certificate in it was not noticed at all, only
// the server's certificate then seemed untrusted. Node's crypto parses both cheaply.
import { createPrivateKey, X509Certificate, type KeyObject } from "node:crypto";
import { invalid } from "./values.js";
import type { Setting } from "./values.js";

/** A file an option names, as read. */
export interface OptionFile {
  readonly setting: Setting;
  readonly path: string;
  readonly content: string;
}

const CERTIFICATE_BLOCK = /-----BEGIN CERTIFICATE-----[\s\S]*?-----END CERTIFICATE-----/g;
const CERTIFICATE = "-----BEGIN CERTIFICATE-----";
const PRIVATE_KEY = /-----BEGIN (?:RSA |EC |DSA |ENCRYPTED )?PRIVATE KEY-----/;
const ENCRYPTED = /-----BEGIN ENCRYPTED PRIVATE KEY-----|Proc-Type: 4,ENCRYPTED/;

/** The certificates of a CA or client certificate file; other blocks in it, such as a key, are ignored. */
function certificates(file: OptionFile): X509Certificate[] {
  const blocks = file.content.match(CERTIFICATE_BLOCK) ?? [];
  if (blocks.length === 0) {
    const what = file.content.includes(CERTIFICATE)
      ? "holds a certificate that cannot be read: it has no -----END CERTIFICATE----- line"
      : PRIVATE_KEY.test(file.content)
        ? "holds a private key, not a certificate"
        : "holds no PEM certificate (a block from -----BEGIN CERTIFICATE----- to -----END CERTIFICATE-----)";
    throw invalid(
      file.setting,
      `${file.path} ${what}. Give the certificate in PEM form (openssl converts a DER or PKCS#12 file)`,
    );
  }
  return blocks.map((block) => {
    try {
      return new X509Certificate(block);
    } catch {
      throw invalid(
        file.setting,
        `${file.path} holds a certificate that cannot be read: its block is cut short or damaged. ` +
          "Copy the certificate again, whole",
      );
    }
  });
}

function privateKey(file: OptionFile, certFlag: string): KeyObject {
  const { setting, path, content } = file;
  if (ENCRYPTED.test(content)) {
    throw invalid(
      setting,
      `${path} holds an encrypted private key, and synced takes no passphrase. Write the key ` +
        `unencrypted to a file only synced can read (openssl pkey -in ${path} -out <file>) and give that`,
    );
  }
  if (!PRIVATE_KEY.test(content)) {
    const what = content.includes(CERTIFICATE)
      ? `holds a certificate, not a private key: give the certificate to --${certFlag} and its key here`
      : "holds no PEM private key (a block from -----BEGIN PRIVATE KEY-----, or RSA or EC PRIVATE KEY). Give the client certificate's key in PEM form";
    throw invalid(setting, `${path} ${what}`);
  }
  try {
    return createPrivateKey(content);
  } catch {
    throw invalid(setting, `${path} holds a private key that cannot be read: it is cut short or damaged`);
  }
}

/** `2020-02-01 00:00:00 UTC`: the date a certificate's validity ends, as a message gives it. */
function utc(date: Date): string {
  return `${date.toISOString().slice(0, 19).replace("T", " ")} UTC`;
}

/**
 * Refuses a CA, certificate or key file of `--<prefix>-*` that does not hold what the option takes,
 * a key that is not the certificate's, and a client certificate that expired before `now`.
 */
export function checkTlsFiles(
  prefix: string,
  files: { readonly ca?: OptionFile; readonly cert?: OptionFile; readonly key?: OptionFile },
  now: Date = new Date(),
): void {
  if (files.ca !== undefined) certificates(files.ca);
  if (files.cert === undefined || files.key === undefined) return;
  const [leaf] = certificates(files.cert);
  // A server that asks for the certificate refuses it in the handshake, where that read as a store
  // that cannot be reached. One that asks for none has no use for it either. A CA that expired is
  // left to the server: a bundle may hold an old one beside its successor.
  const validTo = leaf === undefined ? undefined : new Date(leaf.validTo);
  if (validTo !== undefined && validTo.getTime() < now.getTime()) {
    throw invalid(
      files.cert.setting,
      `${files.cert.path} holds a client certificate that expired on ${utc(validTo)}. Renew it and ` +
        `give the new one with its key; if the server asks for no client certificate, leave out ` +
        `--${prefix}-cert and --${prefix}-key`,
    );
  }
  const key = privateKey(files.key, `${prefix}-cert`);
  if (leaf !== undefined && !leaf.checkPrivateKey(key)) {
    throw invalid(
      files.key.setting,
      `the key in ${files.key.path} is not the key of the certificate in ${files.cert.path} ` +
        `(--${prefix}-cert). Give the key the certificate was issued for`,
    );
  }
}
