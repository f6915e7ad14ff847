// A relay to Cassandra's native protocol that loses one answer, as lost-answer.ts does for HTTP: it
// passes the chosen request to the server, waits for the server's answer frame, and then closes the
// client's connection instead of relaying it, as a network break at the worst moment would. The
// server did the work; the client never learns what it answered. Every other frame passes unchanged.
//
// Frames are read as protocol v4 frames (what cassandra-driver 4 speaks with Cassandra 4.1 and 5.0),
// uncompressed: a 9-byte header (version, flags, stream, opcode, body length), then the body. Prepared
// statements are executed by id, so the relay remembers the text of each statement it saw prepared.
import net from "node:net";
import { loopbackPort } from "./tcp.js";

const OPCODE = { query: 0x07, result: 0x08, prepare: 0x09, execute: 0x0a, batch: 0x0d } as const;
const PREPARED_RESULT = 0x0004;
const HEADER = 9;

export interface CqlRequest {
  readonly kind: "query" | "execute" | "batch" | "prepare";
  /** The statement's text (for a batch, each statement's, joined by "; "). */
  readonly cql: string;
  /** Whether it asks for a page after the first (it carries a paging state). */
  readonly pagingState: boolean;
}

export interface RelayedCqlRequest extends CqlRequest {
  /** Whether its answer was the one lost. */
  readonly lost: boolean;
}

export interface LostCqlAnswerRelay {
  readonly port: number;
  /** Every statement sent, in the order the frames arrived. */
  readonly requests: readonly RelayedCqlRequest[];
  close(): Promise<void>;
}

/** Reads the protocol's primitive types from a frame body. */
class Reader {
  #at = 0;
  constructor(private readonly body: Buffer) {}

  byte(): number {
    return this.body.readUInt8(this.#at++);
  }
  short(): number {
    const value = this.body.readUInt16BE(this.#at);
    this.#at += 2;
    return value;
  }
  int(): number {
    const value = this.body.readInt32BE(this.#at);
    this.#at += 4;
    return value;
  }
  /** [string] or [short bytes]: a short length, then the bytes. */
  shortBytes(): Buffer {
    const length = this.short();
    const value = this.body.subarray(this.#at, this.#at + length);
    this.#at += length;
    return value;
  }
  /** [long string]: an int length, then UTF-8. */
  longString(): string {
    const length = this.int();
    const value = this.body.toString("utf8", this.#at, this.#at + length);
    this.#at += length;
    return value;
  }
  /** [bytes]: an int length (negative: null or unset), then the bytes. */
  skipBytes(): void {
    const length = this.int();
    if (length > 0) this.#at += length;
  }
  skip(n: number): void {
    this.#at += n;
  }
  /** [string list]. */
  skipStringList(): void {
    const n = this.short();
    for (let i = 0; i < n; i++) this.shortBytes();
  }
}

/** Whether the <query_parameters> that follow carry a paging state (protocol v4). */
function hasPagingState(reader: Reader): boolean {
  reader.short(); // consistency
  const flags = reader.byte();
  if (flags & 0x01) {
    const values = reader.short();
    for (let i = 0; i < values; i++) {
      if (flags & 0x40) reader.shortBytes(); // the value's name
      reader.skipBytes();
    }
  }
  if (flags & 0x04) reader.int(); // page size
  return (flags & 0x08) !== 0;
}

/** The relay: `lose` picks the first request whose answer is lost; the rest pass. */
export async function lostCqlAnswerRelay(
  host: string,
  port: number,
  lose: (request: CqlRequest) => boolean,
): Promise<LostCqlAnswerRelay> {
  const requests: RelayedCqlRequest[] = [];
  const prepared = new Map<string, string>();
  const sockets = new Set<net.Socket>();
  let lostOne = false;

  function describe(opcode: number, body: Buffer): CqlRequest | undefined {
    const reader = new Reader(body);
    switch (opcode) {
      case OPCODE.query: {
        const cql = reader.longString();
        return { kind: "query", cql, pagingState: hasPagingState(reader) };
      }
      case OPCODE.prepare:
        return { kind: "prepare", cql: reader.longString(), pagingState: false };
      case OPCODE.execute: {
        const id = reader.shortBytes().toString("hex");
        return { kind: "execute", cql: prepared.get(id) ?? `?${id}`, pagingState: hasPagingState(reader) };
      }
      case OPCODE.batch: {
        reader.byte(); // logged, unlogged or counter
        const n = reader.short();
        const statements: string[] = [];
        for (let i = 0; i < n; i++) {
          const kind = reader.byte();
          if (kind === 0) statements.push(reader.longString());
          else {
            const id = reader.shortBytes().toString("hex");
            statements.push(prepared.get(id) ?? `?${id}`);
          }
          const values = reader.short();
          for (let v = 0; v < values; v++) reader.skipBytes();
        }
        return { kind: "batch", cql: statements.join("; "), pagingState: false };
      }
      default:
        return undefined;
    }
  }

  /** Calls `onFrame` for each whole frame in `chunks` as they arrive; keeps a partial one. */
  function framer(onFrame: (frame: Buffer) => void): (chunk: Buffer) => void {
    let pending = Buffer.alloc(0);
    return (chunk) => {
      pending = Buffer.concat([pending, chunk]);
      while (pending.length >= HEADER) {
        const size = HEADER + pending.readUInt32BE(5);
        if (pending.length < size) return;
        const frame = pending.subarray(0, size);
        pending = pending.subarray(size);
        onFrame(frame);
      }
    };
  }

  const server = net.createServer((client) => {
    const upstream = net.connect(port, host);
    sockets.add(client);
    sockets.add(upstream);
    const preparing = new Map<number, string>();
    const losing = new Set<number>();
    const cut = (): void => {
      client.destroy();
      upstream.destroy();
    };
    const feedRequests = framer((frame) => {
      const stream = frame.readInt16BE(2);
      const request = describe(frame.readUInt8(4), frame.subarray(HEADER));
      if (request !== undefined) {
        if (request.kind === "prepare") preparing.set(stream, request.cql);
        const lost = !lostOne && lose(request);
        lostOne ||= lost;
        if (lost) losing.add(stream);
        requests.push({ ...request, lost });
      }
      upstream.write(frame);
    });
    const feedAnswers = framer((frame) => {
      const stream = frame.readInt16BE(2);
      const statement = preparing.get(stream);
      if (statement !== undefined && frame.readUInt8(4) === OPCODE.result) {
        preparing.delete(stream);
        const flags = frame.readUInt8(1);
        const reader = new Reader(frame.subarray(HEADER));
        if (flags & 0x02) reader.skip(16); // tracing id
        if (flags & 0x08) reader.skipStringList(); // warnings
        if (reader.int() === PREPARED_RESULT) prepared.set(reader.shortBytes().toString("hex"), statement);
      }
      if (losing.has(stream)) {
        cut();
        return;
      }
      client.write(frame);
    });
    client.on("data", feedRequests);
    upstream.on("data", feedAnswers);
    client.on("error", cut);
    upstream.on("error", cut);
    client.on("close", () => {
      sockets.delete(client);
      upstream.destroy();
    });
    upstream.on("close", () => {
      sockets.delete(upstream);
      client.destroy();
    });
  });
  const listening = await loopbackPort(server);
  return {
    port: listening,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => {
          resolve();
        });
      }),
  };
}
