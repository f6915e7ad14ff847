// An HTTP relay to a search node that refuses bodies over a limit as nginx does with its
// client_max_body_size: 413 and its own HTML page, without passing the request on. Every other
// request and answer passes unchanged.
import http from "node:http";
import { loopbackPort } from "./tcp.js";

const PAGE =
  "<html>\r\n<head><title>413 Request Entity Too Large</title></head>\r\n<body>\r\n" +
  "<center><h1>413 Request Entity Too Large</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n";

export interface BodyLimitRelay {
  readonly port: number;
  /** How many requests it refused. */
  readonly refused: () => number;
  close(): Promise<void>;
}

/** Relays to `host:port`, refusing any request whose body is over `limit` bytes. */
export async function bodyLimitRelay(host: string, port: number, limit: number): Promise<BodyLimitRelay> {
  let refused = 0;
  const upstreamAgent = new http.Agent({ keepAlive: true });
  const server = http.createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on("data", (chunk: Buffer) => chunks.push(chunk));
    request.on("end", () => {
      const body = Buffer.concat(chunks);
      if (body.length > limit) {
        refused++;
        response.writeHead(413, { "content-type": "text/html", server: "nginx" }).end(PAGE);
        return;
      }
      const { method, url, headers } = request;
      const upstream = http.request(
        { host, port, method, path: url, headers, agent: upstreamAgent },
        (answer) => {
          response.writeHead(answer.statusCode ?? 502, answer.headers);
          answer.pipe(response);
        },
      );
      upstream.on("error", () => request.socket.destroy());
      upstream.end(body);
    });
  });
  server.keepAliveTimeout = 0;
  const listening = await loopbackPort(server);
  return {
    port: listening,
    refused: () => refused,
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
