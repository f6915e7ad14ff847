// A real HTTP listener on loopback that takes what a Pushgateway takes (PUT or POST to
// /metrics/job/<job>/<label>/<value>...) or serves nothing else, and parses the exposition format
// with a parser of its own, so a test checks what Prometheus would read, not what synced meant.
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import parsePrometheusTextFormat, { type ParsedFamily } from "parse-prometheus-text-format";

export interface Push {
  readonly method: string;
  readonly path: string;
  readonly families: readonly ParsedFamily[];
  /** The Authorization header the push came with, if any. */
  readonly authorization?: string;
}

export interface MetricsListener {
  readonly url: string;
  readonly pushes: Push[];
  close(): Promise<void>;
}

export async function pushListener(): Promise<MetricsListener> {
  const pushes: Push[] = [];
  const server: Server = createServer((request, response) => {
    let body = "";
    request.on("data", (chunk: Buffer) => {
      body += chunk.toString();
    });
    request.on("end", () => {
      const path = request.url ?? "";
      if ((request.method === "PUT" || request.method === "POST") && path.startsWith("/metrics/job/")) {
        const { authorization } = request.headers;
        pushes.push({
          method: request.method,
          path,
          families: parsePrometheusTextFormat(body),
          ...(authorization === undefined ? {} : { authorization }),
        });
        response.writeHead(200).end();
      } else response.writeHead(404).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    pushes,
    close: () =>
      new Promise((resolve) =>
        server.close(() => {
          resolve();
        }),
      ),
  };
}

/** The value of one sample of a parsed family, by its labels; undefined when absent. */
export function sample(
  families: readonly ParsedFamily[],
  name: string,
  labels: Readonly<Record<string, string>> = {},
): number | undefined {
  const family = families.find((f) => f.name === name);
  const found = family?.metrics.find((m) => Object.entries(labels).every(([k, v]) => m.labels?.[k] === v));
  return found === undefined ? undefined : Number(found.value);
}
