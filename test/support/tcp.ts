// Network faults between synced and a real server: a relay the test can cut, as a restart or a broken
// network would, and a port that accepts connections and then says nothing, as a wrong port or a hung
// server does. The servers behind them are the real ones.
import net from "node:net";

export interface Listener {
  readonly port: number;
  close(): Promise<void>;
}

/** Listens on loopback (`port`, or one the system picks) and resolves to the port taken. */
export async function loopbackPort(server: net.Server, port = 0): Promise<number> {
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, "127.0.0.1", () => {
      server.off("error", reject);
      resolve();
    });
  });
  const address = server.address();
  if (address === null || typeof address === "string") throw new Error("no TCP port");
  return address.port;
}

async function listen(server: net.Server, sockets: Set<net.Socket>, port = 0): Promise<Listener> {
  server.on("connection", (socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
  });
  const listening = await loopbackPort(server, port);
  return {
    port: listening,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => {
          resolve();
        });
      }),
  };
}

/** Accepts connections and never answers. */
export function silentPort(): Promise<Listener> {
  const sockets = new Set<net.Socket>();
  return listen(
    net.createServer((socket) => {
      socket.on("error", () => undefined);
    }),
    sockets,
  );
}

/**
 * Accepts connections and resets each `afterMs` later (RST, not a close), as a firewall or a crashing
 * server does: the reset lands before, while or after the client takes the connection in.
 */
export function resettingPort(afterMs = 0): Promise<Listener> {
  const sockets = new Set<net.Socket>();
  return listen(
    net.createServer((socket) => {
      socket.on("error", () => undefined);
      setTimeout(() => socket.resetAndDestroy(), afterMs);
    }),
    sockets,
  );
}

/** A loopback port that nothing listens on, as a node that is down: one the system gave and took back. */
export async function closedPort(): Promise<number> {
  const [port] = await closedPorts(1);
  if (port === undefined) throw new Error("no TCP port");
  return port;
}

/**
 * `count` different loopback ports that nothing listens on. Held all at once before they are given
 * back: one taken and given back at a time, the system may give the same port again, and two nodes
 * "down" were one, which the clients refuse as a duplicate.
 */
export async function closedPorts(count: number): Promise<number[]> {
  const listeners = await Promise.all(
    Array.from({ length: count }, () => listen(net.createServer(), new Set())),
  );
  await Promise.all(listeners.map((listener) => listener.close()));
  return listeners.map((listener) => listener.port);
}

/** Relays every connection to `host:port`; `close` cuts them all and refuses new ones. */
export function relay(host: string, port: number): Promise<Listener> {
  return relayOn(host, port, 0);
}

/** A relay listening on `listenPort` (0: any free port). */
function relayOn(host: string, port: number, listenPort: number): Promise<Listener> {
  const sockets = new Set<net.Socket>();
  return listen(
    net.createServer((client) => {
      const upstream = net.connect(port, host);
      sockets.add(upstream);
      upstream.on("close", () => sockets.delete(upstream));
      client.pipe(upstream).pipe(client);
      client.on("error", () => upstream.destroy());
      upstream.on("error", () => client.destroy());
      client.on("close", () => upstream.destroy());
      upstream.on("close", () => client.destroy());
    }),
    sockets,
    listenPort,
  );
}

export interface Outage {
  readonly port: number;
  /** Cuts every connection and refuses new ones, as a server that went down. */
  cut(): Promise<void>;
  /** Accepts connections again on the same port, as the server back up. */
  restore(): Promise<void>;
  close(): Promise<void>;
}

/** A relay to `host:port` that can be cut and restored on the same port, any number of times. */
export async function outageRelay(host: string, port: number): Promise<Outage> {
  let current = await relay(host, port);
  const fixed = current.port;
  let up = true;
  return {
    port: fixed,
    cut: async () => {
      if (!up) return;
      up = false;
      await current.close();
    },
    restore: async () => {
      if (up) return;
      current = await relayOn(host, port, fixed);
      up = true;
    },
    close: async () => {
      if (up) await current.close();
      up = false;
    },
  };
}

export interface StallingRelay extends Listener {
  /** Settles once a connection sent the marker and the relay stopped forwarding. */
  readonly stalled: Promise<void>;
}

/**
 * Relays every connection to `host:port` until one sends bytes holding `marker` (an HTTP request
 * line, a CQL statement's text): from then on it forwards nothing either way, on any connection, and
 * keeps them all open, as a server that hangs and never answers. The request holding the marker is
 * not forwarded either. A client that closes its connection still sees it closed.
 */
export function stallingRelay(host: string, port: number, marker: string): Promise<StallingRelay> {
  const sockets = new Set<net.Socket>();
  let stall: () => void = () => undefined;
  const stalled = new Promise<void>((resolve) => {
    stall = resolve;
  });
  let hung = false;
  const listening = listen(
    net.createServer((client) => {
      const upstream = net.connect(port, host);
      sockets.add(upstream);
      upstream.on("close", () => sockets.delete(upstream));
      client.on("data", (chunk: Buffer) => {
        if (!hung && chunk.includes(marker)) {
          hung = true;
          stall();
        }
        if (!hung) upstream.write(chunk);
      });
      upstream.on("data", (chunk: Buffer) => {
        if (!hung) client.write(chunk);
      });
      client.on("error", () => upstream.destroy());
      upstream.on("error", () => client.destroy());
      client.on("close", () => upstream.destroy());
      upstream.on("close", () => client.destroy());
    }),
    sockets,
  );
  return listening.then((listener) => ({ ...listener, stalled }));
}
