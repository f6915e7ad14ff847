// A Cassandra node's TLS certificate is checked against the contact point that resolved to the node's
// address, or else the address itself. cassandra-driver dials resolved addresses, and Node checked
// the certificate against that address only, so a node certificate that lists DNS names only was
// refused even when the contact point was exactly that name. The certificates here are real, made
// by openssl for each test. The handshake tests use a local TLS listener that takes the driver's
// first frame and closes: they show what the client accepts in the handshake, not how Cassandra
// behaves (test/integration/tls.test.ts connects to the real server).
import assert from "node:assert/strict";
import { once } from "node:events";
import { X509Certificate } from "node:crypto";
import { readFile } from "node:fs/promises";
import type { AddressInfo } from "node:net";
import { after, before, describe, it } from "node:test";
import { connect, createServer, type PeerCertificate, type Server } from "node:tls";
import type { CassandraOptions } from "../../src/config/options.js";
import { clientOptions, connectCassandra } from "../../src/stores/cassandra/connect.js";
import {
  contactPointAddress,
  contactPointHost,
  namesByAddress,
  nodeIdentityCheck,
} from "../../src/stores/cassandra/node-identity.js";
import { ConnectionError, tlsProblem } from "../../src/stores/store-errors.js";
import { CertificateMaker, noOpenssl, type IssuedCertificate } from "../support/make-certs.js";

const skip = await noOpenssl();

const serverCert = (names: string) => ({
  cn: "cassandra-node",
  extensions: [`subjectAltName=${names}`, "extendedKeyUsage=serverAuth"],
});

/** The certificate as Node hands it to checkServerIdentity. */
const peer = (issued: IssuedCertificate): PeerCertificate => new X509Certificate(issued.pem).toLegacyObject();

describe("a contact point as messages show it", () => {
  it("keeps the port it was given, and adds --cassandra-port where it has none", () => {
    assert.equal(contactPointAddress("127.0.0.1:9", 9042), "127.0.0.1:9");
    assert.equal(contactPointAddress("db.example:9142", 9042), "db.example:9142");
    assert.equal(contactPointAddress("[::1]:9142", 9042), "[::1]:9142");
    assert.equal(contactPointAddress("127.0.0.1", 9042), "127.0.0.1:9042");
    assert.equal(contactPointAddress("db.example", 9142), "db.example:9142");
    assert.equal(contactPointAddress("::1", 9042), "[::1]:9042");
  });
});

describe("Cassandra node identity", { skip }, () => {
  let maker: CertificateMaker;
  let dnsOnly: IssuedCertificate;
  let otherName: IssuedCertificate;
  let withAddress: IssuedCertificate;

  before(async () => {
    maker = await CertificateMaker.create();
    dnsOnly = await maker.issue("dns-only", serverCert("DNS:localhost,DNS:db1.example"));
    otherName = await maker.issue("other-name", serverCert("DNS:elsewhere.example"));
    withAddress = await maker.issue("with-address", serverCert("IP:127.0.0.1,IP:10.0.0.6"));
  });
  after(async () => {
    await maker.remove();
  });

  describe("the check", () => {
    const names = new Map([["10.0.0.5", ["db1.example"]]]);
    const check = nodeIdentityCheck(names);

    it("accepts a certificate that names the contact point which resolved to the node's address", () => {
      assert.equal(check("10.0.0.5", peer(dnsOnly)), undefined);
    });

    it("accepts a certificate that lists the node's address, named or not", () => {
      assert.equal(check("10.0.0.6", peer(withAddress)), undefined);
      assert.equal(
        nodeIdentityCheck(new Map([["10.0.0.6", ["db2.example"]]]))("10.0.0.6", peer(withAddress)),
        undefined,
      );
    });

    it("refuses a node known by its address only (a peer) whose certificate lists names only", () => {
      const error = check("10.0.0.7", peer(dnsOnly));
      assert.ok(error instanceof Error);
      assert.equal(tlsProblem(error), "wrong-name");
      assert.match(error.message, /10\.0\.0\.7/);
      assert.match(error.message, /DNS:db1\.example/);
    });

    it("refuses a certificate that names neither the contact point nor the address, saying which it checked", () => {
      const error = check("10.0.0.5", peer(otherName));
      assert.ok(error instanceof Error);
      assert.equal(tlsProblem(error), "wrong-name");
      assert.match(error.message, /db1\.example/);
      assert.match(error.message, /10\.0\.0\.5/);
      assert.match(error.message, /DNS:elsewhere\.example/);
    });
  });

  describe("the names of the addresses", () => {
    it("reads a contact point's host as the driver does", () => {
      assert.equal(contactPointHost("db1.example"), "db1.example");
      assert.equal(contactPointHost("db1.example:9142"), "db1.example");
      assert.equal(contactPointHost("[fe80::1]:9042"), "fe80::1");
      assert.equal(contactPointHost("fe80::1"), "fe80::1");
      assert.equal(contactPointHost("10.0.0.5:9042"), "10.0.0.5");
    });

    it("resolves the contact points given by name, and only those", async () => {
      const asked: string[] = [];
      const resolve = (name: string): Promise<string[]> => {
        asked.push(name);
        return Promise.resolve(name === "db1.example" ? ["10.0.0.5", "fd00::5"] : ["10.0.0.5"]);
      };
      const names = await namesByAddress(
        ["db1.example:9042", "10.0.0.9", "alias.example", "[fd00::9]:9042"],
        resolve,
        1000,
      );
      assert.deepEqual(asked.sort(), ["alias.example", "db1.example"]);
      assert.deepEqual(names.get("10.0.0.5"), ["db1.example", "alias.example"]);
      assert.deepEqual(names.get("fd00::5"), ["db1.example"]);
      assert.equal(names.has("10.0.0.9"), false);
    });

    it("leaves out a name that does not resolve in time, so its nodes are checked by address", async () => {
      const never = new Promise<string[]>(() => undefined);
      const names = await namesByAddress(["slow.example"], () => never, 50);
      assert.equal(names.size, 0);
    });
  });

  describe("the handshake, through the driver", () => {
    let server: Server | undefined;
    let frames: number;
    let port: number;

    /** Serves `issued` on 127.0.0.1; a connection that sends a frame was accepted by the client. */
    async function serve(issued: IssuedCertificate): Promise<void> {
      server?.close();
      server = createServer({ cert: issued.pem, key: await readFile(issued.key) }, (socket) => {
        socket.once("data", () => {
          frames += 1;
          server?.emit("frame");
          socket.destroy();
        });
        socket.on("error", () => undefined);
      });
      server.on("tlsClientError", () => undefined);
      server.listen(0, "127.0.0.1");
      await once(server, "listening");
      port = (server.address() as AddressInfo).port;
      frames = 0;
    }

    const options = (contactPoint: string): CassandraOptions => ({
      contactPoints: [contactPoint],
      port,
      localDc: "datacenter1",
      readConsistency: "LOCAL_QUORUM",
      writeConsistency: "LOCAL_QUORUM",
      writes: "timestamp",
      batchBytes: 0,
      tls: { ca: maker.ca.cert, insecure: false },
    });

    async function failure(contactPoint: string): Promise<ConnectionError> {
      frames = 0;
      try {
        const client = await connectCassandra(options(contactPoint), 3000);
        await client.shutdown();
      } catch (error) {
        assert.ok(error instanceof ConnectionError, String(error));
        return error;
      }
      assert.fail("a TLS listener that closes at the first frame cannot be connected to");
    }

    after(() => {
      server?.close();
    });

    // A server that takes the handshake and then closes leaves the driver waiting past its shutdown,
    // so the accepted handshake is made as the driver makes it (tls.connect to the resolved address,
    // with the TLS options synced gives the driver), and the refusals through the driver itself.
    it("accepts a certificate with DNS names only when the contact point is one of them", async () => {
      await serve(dnsOnly);
      const { sslOptions } = await clientOptions(options("localhost"), 3000);
      const socket = connect(port, "127.0.0.1", { ...sslOptions, rejectUnauthorized: true });
      try {
        await once(socket, "secureConnect");
        const framed = once(server ?? socket, "frame");
        socket.write("frame");
        await framed;
      } finally {
        socket.destroy();
      }
    });

    it("refuses that certificate through the driver when the contact point is the address, and says what was checked", async () => {
      const error = await failure("127.0.0.1");
      assert.equal(frames, 0);
      assert.equal(error.details["tls"], "wrong-name", error.message);
      assert.match(error.message, /does not list the node's address 127\.0\.0\.1 \(it lists DNS:localhost/);
      assert.match(error.message, /--cassandra-contact-points/);
      assert.match(error.message, /IP address/);
    });

    it("refuses a certificate that names neither the contact point nor the address", async () => {
      await serve(otherName);
      const error = await failure("localhost");
      assert.equal(frames, 0);
      assert.equal(error.details["tls"], "wrong-name", error.message);
      assert.match(
        error.message,
        /names neither localhost \(the contact point that resolved to 127\.0\.0\.1\)/,
      );
      assert.match(error.message, /DNS:elsewhere\.example/);
    });
  });
});
