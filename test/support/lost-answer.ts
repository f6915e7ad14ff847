// An HTTP relay to a search node that loses one answer: it passes the chosen request to the node,
// waits for the node's whole answer, and then closes synced's connection instead of relaying it, as a
// network break or a timeout would at the worst moment. The node did the work; synced never learns
// what it answered. Every other request and answer passes unchanged.
import http from "node:http";
import { gunzipSync } from "node:zlib";
import { loopbackPort } from "./tcp.js";

export interface RelayedRequest {
  readonly method: string;
  /** The path with its query string. */
  readonly url: string;
  readonly body: string;
  /** Whether its answer was the one lost. */
  readonly lost: boolean;
}

export interface LostAnswerRelay {
  readonly port: number;
  /** Every request synced sent, in the order they arrived. */
  readonly requests: readonly RelayedRequest[];
  close(): Promise<void>;
}

function text(body: Buffer, encoding: string | undefined): string {
  return (encoding === "gzip" ? gunzipSync(body) : body).toString("utf8");
}

/** Relays to `host:port`, losing the answer to the first request `lose` picks. */
export async function lostAnswerRelay(
  host: string,
  port: number,
  lose: (request: Omit<RelayedRequest, "lost">) => boolean,
): Promise<LostAnswerRelay> {
  const requests: RelayedRequest[] = [];
  let lostOne = false;
  const upstreamAgent = new http.Agent({ keepAlive: true });
  const server = http.createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on("data", (chunk: Buffer) => chunks.push(chunk));
    request.on("end", () => {
      const body = Buffer.concat(chunks);
      const seen = {
        method: request.method ?? "GET",
        url: request.url ?? "/",
        body: text(body, request.headers["content-encoding"]),
      };
      const lost = !lostOne && lose(seen);
      lostOne ||= lost;
      requests.push({ ...seen, lost });
      const upstream = http.request(
        { host, port, method: seen.method, path: seen.url, headers: request.headers, agent: upstreamAgent },
        (answer) => {
          if (!lost) {
            response.writeHead(answer.statusCode ?? 502, answer.headers);
            answer.pipe(response);
            return;
          }
          answer.resume();
          answer.on("end", () => request.socket.destroy());
        },
      );
      upstream.on("error", () => request.socket.destroy());
      upstream.end(body);
    });
  });
  // Node closes a connection idle for 5 s; a client sending on it at that moment sees "other side
  // closed", which on a busy machine (the state index created directly in between) made a request
  // the test never meant to lose fail. The relay keeps idle connections until it is closed.
  server.keepAliveTimeout = 0;
  const listening = await loopbackPort(server);
  return {
    port: listening,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        upstreamAgent.destroy();
        server.close(() => {
          resolve();
        });
      }),
  };
}
