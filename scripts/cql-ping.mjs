#!/usr/bin/env node
// Readiness probe for Cassandra: "ready" means a CQL query answers, not merely that the port is open.
// It speaks the native protocol (v4) directly, so the server scripts work before `npm ci` has run.
// Usage: node scripts/cql-ping.mjs [host] [port]; exits 0 and prints the release version on success.
// A server that asks for a login gets CQL_USERNAME/CQL_PASSWORD (default cassandra/cassandra); ready
// then also means the default role exists, which Cassandra creates a moment after it starts.
import net from "node:net";

const host = process.argv[2] ?? "127.0.0.1";
const port = Number(process.argv[3] ?? "9042");
const OP = {
  ERROR: 0x00,
  STARTUP: 0x01,
  READY: 0x02,
  AUTHENTICATE: 0x03,
  QUERY: 0x07,
  RESULT: 0x08,
  AUTH_RESPONSE: 0x0f,
  AUTH_SUCCESS: 0x10,
};
const username = process.env.CQL_USERNAME ?? "cassandra";
const password = process.env.CQL_PASSWORD ?? "cassandra";

function frame(stream, opcode, body) {
  const header = Buffer.alloc(9);
  header.writeUInt8(0x04, 0);
  header.writeUInt8(0, 1);
  header.writeInt16BE(stream, 2);
  header.writeUInt8(opcode, 4);
  header.writeInt32BE(body.length, 5);
  return Buffer.concat([header, body]);
}

function string(s) {
  const bytes = Buffer.from(s, "utf8");
  const len = Buffer.alloc(2);
  len.writeUInt16BE(bytes.length);
  return Buffer.concat([len, bytes]);
}

function longString(s) {
  const bytes = Buffer.from(s, "utf8");
  const len = Buffer.alloc(4);
  len.writeInt32BE(bytes.length);
  return Buffer.concat([len, bytes]);
}

const startup = Buffer.concat([Buffer.from([0, 1]), string("CQL_VERSION"), string("3.0.0")]);
const consistencyOneNoFlags = Buffer.from([0x00, 0x01, 0x00]);
const query = Buffer.concat([longString("SELECT release_version FROM system.local"), consistencyOneNoFlags]);

const socket = net.connect({ host, port });
const fail = (why) => {
  console.error(`cql-ping ${host}:${port}: ${why}`);
  socket.destroy();
  process.exit(1);
};
socket.setTimeout(5000, () => fail("timed out"));
socket.on("error", (err) => fail(err.message));
socket.on("connect", () => socket.write(frame(1, OP.STARTUP, startup)));

let pending = Buffer.alloc(0);
socket.on("data", (chunk) => {
  pending = Buffer.concat([pending, chunk]);
  while (pending.length >= 9) {
    const length = pending.readInt32BE(5);
    if (pending.length < 9 + length) return;
    const opcode = pending.readUInt8(4);
    const body = pending.subarray(9, 9 + length);
    pending = pending.subarray(9 + length);
    if (opcode === OP.ERROR) fail(`server error: ${body.subarray(6).toString("utf8")}`);
    else if (opcode === OP.READY || opcode === OP.AUTH_SUCCESS) socket.write(frame(2, OP.QUERY, query));
    else if (opcode === OP.AUTHENTICATE) {
      const token = Buffer.from(`\0${username}\0${password}`, "utf8");
      const length = Buffer.alloc(4);
      length.writeInt32BE(token.length);
      socket.write(frame(3, OP.AUTH_RESPONSE, Buffer.concat([length, token])));
    } else if (opcode === OP.RESULT) {
      // Rows result: the release version is the last [bytes] value of the single row.
      const text = body.toString("latin1");
      const version = /(\d+\.\d+\.\d+[\w.-]*)\s*$/.exec(text)?.[1] ?? "unknown";
      console.log(version);
      socket.end();
      process.exit(0);
    } else fail(`unexpected opcode ${opcode}`);
  }
});
