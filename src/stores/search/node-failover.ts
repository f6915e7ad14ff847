// A request that finds a node down goes to the next listed node at once. The clients retry nothing
// themselves (the stores do, with backoff, within --retry-window), so without this one node of
// several down, as in a rolling restart, failed whichever request its turn in the pool fell to,
// though the others answered. Only a connection never made is sent again: nothing reached a node, so
// any request is safe to repeat, the next page of a scroll included.

/** Node's and the DNS resolver's words for a connection that was never made. */
const NOT_CONNECTED =
  /^(connect (ECONNREFUSED|EHOSTUNREACH|ENETUNREACH|EADDRNOTAVAIL)\b|getaddrinfo E|Connect Timeout Error)/;

interface FailedRequest {
  readonly name?: unknown;
  readonly message?: unknown;
  readonly meta?: { readonly meta?: { readonly connection?: { readonly id?: unknown } | null } };
}

/**
 * The node that a request failed to connect to, as its connection's id in the pool; undefined when
 * the request failed any other way (the clients' errors keep only the socket error's message).
 */
export function nodeNotConnected(error: unknown): string | undefined {
  if (typeof error !== "object" || error === null) return undefined;
  const failed = error as FailedRequest;
  if (failed.name !== "ConnectionError" || typeof failed.message !== "string") return undefined;
  if (!NOT_CONNECTED.test(failed.message)) return undefined;
  const id = failed.meta?.meta?.connection?.id;
  return typeof id === "string" ? id : "";
}

/**
 * `send` again while its tries found a node down and some node of the `nodes` in the pool was not
 * tried yet. The pool marks a node that refused dead, so the next try goes to another; other requests
 * in flight move the pool's turn too, so a node may be tried twice, hence the bound on the tries.
 */
export async function sendToLiveNode<T>(send: () => Promise<T>, nodes: () => number): Promise<T> {
  const down = new Set<string>();
  for (let tries = 1; ; tries++) {
    try {
      return await send();
    } catch (error) {
      const node = nodeNotConnected(error);
      if (node === undefined) throw error;
      down.add(node);
      if (down.size >= nodes() || tries >= 2 * nodes()) throw error;
    }
  }
}

/** A body the client reads as it sends, so it cannot send it twice. */
export function isStreamBody(body: unknown): boolean {
  return typeof (body as { pipe?: unknown } | null | undefined)?.pipe === "function";
}
