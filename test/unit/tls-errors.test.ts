// TLS failures are told apart by what the user can change, whether the client kept the error's code
// (the Cassandra driver) or only its message (the Elasticsearch transport).
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { errorText, tlsAdvice, tlsProblem } from "../../src/stores/store-errors.js";

const coded = (code: string, message: string): Error => Object.assign(new Error(message), { code });

const es = { store: "Elasticsearch", prefix: "es-tls", hostsFlag: "--es-nodes" } as const;
const cassandra = {
  store: "Cassandra",
  prefix: "cassandra-tls",
  hostsFlag: "--cassandra-contact-points",
} as const;

describe("tlsProblem", () => {
  it("recognises each problem by its code", () => {
    assert.equal(tlsProblem(coded("SELF_SIGNED_CERT_IN_CHAIN", "x")), "untrusted");
    assert.equal(tlsProblem(coded("UNABLE_TO_GET_ISSUER_CERT_LOCALLY", "x")), "untrusted");
    assert.equal(tlsProblem(coded("ERR_TLS_CERT_ALTNAME_INVALID", "x")), "wrong-name");
    assert.equal(tlsProblem(coded("CERT_HAS_EXPIRED", "x")), "expired");
    assert.equal(
      tlsProblem(coded("ERR_SSL_TLSV13_ALERT_CERTIFICATE_REQUIRED", "x")),
      "client-certificate-required",
    );
    assert.equal(tlsProblem(coded("ERR_SSL_TLSV1_ALERT_UNKNOWN_CA", "x")), "client-certificate-refused");
    assert.equal(tlsProblem(coded("ERR_SSL_WRONG_VERSION_NUMBER", "x")), "not-tls");
  });

  it("tells a server's alert about the client certificate from a server certificate that expired", () => {
    // The server's alerts name the certificate it was shown: the client's.
    assert.equal(
      tlsProblem(coded("ERR_SSL_SSLV3_ALERT_CERTIFICATE_EXPIRED", "x")),
      "client-certificate-expired",
    );
    assert.equal(
      tlsProblem(new Error("127.0.0.1:9042: sslv3 alert certificate expired")),
      "client-certificate-expired",
    );
    assert.equal(tlsProblem(new Error("certificate has expired")), "expired");
    // Java servers (Cassandra) answer a client certificate their trust manager rejects so.
    assert.equal(tlsProblem(coded("ERR_SSL_TLSV1_ALERT_INTERNAL_ERROR", "x")), "client-certificate-refused");
    assert.equal(tlsProblem(new Error("tlsv1 alert internal error")), "client-certificate-refused");
  });

  it("recognises a problem by the message alone, also in a cause", () => {
    assert.equal(tlsProblem(new Error("unable to verify the first certificate")), "untrusted");
    assert.equal(
      tlsProblem(new Error("outer", { cause: new Error("self-signed certificate in certificate chain") })),
      "untrusted",
    );
    assert.equal(
      tlsProblem(
        new Error(
          "Hostname/IP does not match certificate's altnames: IP: 10.0.0.1 is not in the cert's list",
        ),
      ),
      "wrong-name",
    );
    assert.equal(
      tlsProblem(
        new Error("Client network socket disconnected before secure TLS connection was established"),
      ),
      "not-tls",
    );
  });

  it("leaves errors that are not about TLS alone", () => {
    assert.equal(tlsProblem(new Error("connect ECONNREFUSED 127.0.0.1:9042")), undefined);
    assert.equal(tlsProblem(coded("ECONNRESET", "socket hang up")), undefined);
    assert.equal(tlsProblem("a string"), undefined);
    assert.equal(tlsProblem(undefined), undefined);
  });
});

describe("tlsAdvice", () => {
  it("names the store, the CA that was given and the flags that fix an untrusted certificate", () => {
    const advice = tlsAdvice("untrusted", { ...es, ca: "/etc/ca.pem" });
    assert.match(advice, /^Elasticsearch's certificate is not signed by a CA that synced trusts/);
    assert.match(advice, /--es-tls-ca \/etc\/ca\.pem/);
    assert.match(advice, /--es-tls-insecure/);
    assert.match(tlsAdvice("untrusted", cassandra), /no --cassandra-tls-ca was given/);
  });

  it("asks for a client certificate by the store's own flags", () => {
    assert.match(
      tlsAdvice("client-certificate-required", cassandra),
      /Cassandra requires a client certificate: give --cassandra-tls-cert and --cassandra-tls-key/,
    );
    assert.match(
      tlsAdvice("client-certificate-refused", { ...es, cert: "/c.pem" }),
      /refused the client certificate \(--es-tls-cert \/c\.pem\)/,
    );
    assert.match(tlsAdvice("client-certificate-refused", es), /refused the TLS handshake/);
    const expired = tlsAdvice("client-certificate-expired", { ...cassandra, cert: "/c.pem" });
    assert.match(
      expired,
      /^Cassandra refused the client certificate \(--cassandra-tls-cert \/c\.pem\) as expired/,
    );
    assert.match(expired, /clocks/);
    assert.doesNotMatch(tlsAdvice("expired", cassandra), /client/);
  });

  it("points a name mismatch at the host flag, and plain ports at the plain way to connect", () => {
    assert.match(tlsAdvice("wrong-name", cassandra), /--cassandra-contact-points/);
    // The driver dials addresses: the advice says what a Cassandra node's certificate is checked against.
    assert.match(
      tlsAdvice("wrong-name", cassandra),
      /host name given in --cassandra-contact-points that resolved to the node's address, or that IP address itself/,
    );
    assert.match(tlsAdvice("wrong-name", es), /^Elasticsearch's certificate does not name the host/);
    assert.match(tlsAdvice("not-tls", cassandra), /without --cassandra-tls/);
    assert.match(tlsAdvice("not-tls", es), /http:\/\/ URL in --es-nodes/);
    assert.match(tlsAdvice("expired", es), /has expired or is not valid yet/);
  });
});

describe("errorText", () => {
  it("keeps OpenSSL's reason, not its error number and source path", () => {
    const raw =
      "80AC416FBC7F0000:error:0A00045C:SSL routines:ssl3_read_bytes:tlsv13 alert certificate required:" +
      "../deps/openssl/openssl/ssl/record/rec_layer_s3.c:1601:SSL alert number 116";
    assert.equal(errorText(new Error(raw)), "tlsv13 alert certificate required");
  });

  it("keeps the first line of any other message", () => {
    assert.equal(
      errorText(new Error("connect ECONNREFUSED 127.0.0.1:1\nmore")),
      "connect ECONNREFUSED 127.0.0.1:1",
    );
  });
});
