// Which names a Cassandra node's TLS certificate is checked against. cassandra-driver resolves each
// contact point given by name and dials the addresses, and Node checks the certificate against the
// host it dialled, an address: a node certificate that lists DNS names only was refused even when
// --cassandra-contact-points gave exactly that name. A node is accepted when its certificate lists
// its address, or a contact point given by name that resolved to that address. The nodes the driver
// finds through the cluster's peers are known by address only, so their certificates must list it.
import { lookup, resolve4, resolve6 } from "node:dns/promises";
import { isIP } from "node:net";
import { checkServerIdentity, type PeerCertificate } from "node:tls";
import { withTimeLimit } from "../../util/time-limit.js";

/** The contact points given by name that resolved to each address. */
export type NamesByAddress = ReadonlyMap<string, readonly string[]>;

/** The host of a contact point, without `:port` or the brackets of `[v6]:port`, read as the driver reads it. */
export function contactPointHost(contactPoint: string): string {
  const v6 = contactPoint.lastIndexOf("]:");
  if (contactPoint.startsWith("[") && v6 > 1) return contactPoint.slice(1, v6);
  const parts = contactPoint.split(":");
  return contactPoint.indexOf(":") > 0 && parts.length === 2 ? (parts[0] ?? contactPoint) : contactPoint;
}

/**
 * A contact point as the driver dials it, for messages: one given with its own port keeps it (the
 * driver uses that port, not --cassandra-port), one without gets `port`; an IPv6 address is bracketed.
 */
export function contactPointAddress(contactPoint: string, port: number): string {
  const host = contactPointHost(contactPoint);
  if (host !== contactPoint) return contactPoint;
  return isIP(host) === 6 ? `[${host}]:${port}` : `${host}:${port}`;
}

/**
 * Every address a name resolves to. The driver asks DNS first and the system's resolver (hosts file
 * included) when DNS has none; both are asked here, so an address the driver dials is not missed.
 */
export async function resolveAll(name: string): Promise<string[]> {
  const none = (): string[] => [];
  const [v4, v6, system] = await Promise.all([
    resolve4(name).catch(none),
    resolve6(name).catch(none),
    lookup(name, { all: true })
      .then((found) => found.map((address) => address.address))
      .catch(none),
  ]);
  return [...new Set([...v4, ...v6, ...system])];
}

/**
 * The contact points given by name, by the addresses they resolve to. A name that does not resolve
 * within `timeoutMs` is left out: the nodes behind it are then checked by their address.
 */
export async function namesByAddress(
  contactPoints: readonly string[],
  resolve: (name: string) => Promise<readonly string[]>,
  timeoutMs: number,
): Promise<Map<string, string[]>> {
  const hosts = [...new Set(contactPoints.map(contactPointHost))].filter((host) => isIP(host) === 0);
  const resolved = await Promise.all(
    hosts.map((host) =>
      withTimeLimit(resolve(host), timeoutMs, () => new Error("not resolved in time")).catch(() => []),
    ),
  );
  const names = new Map<string, string[]>();
  hosts.forEach((host, i) => {
    for (const address of resolved[i] ?? []) names.set(address, [...(names.get(address) ?? []), host]);
  });
  return names;
}

/** The names a certificate lists, as `DNS:a, IP:b`, for a message. */
function listed(cert: PeerCertificate): string {
  const altNames = cert.subjectaltname?.trim() ?? "";
  if (altNames !== "") return altNames;
  const cn = cert.subject.CN;
  return cn === undefined ? "no name" : `only the common name ${String(cn)}`;
}

/**
 * The `checkServerIdentity` of the driver's TLS options: `host` is the address the driver dialled.
 * The error keeps Node's code for a name mismatch, so it is reported as one.
 */
export function nodeIdentityCheck(
  names: NamesByAddress,
): (host: string, cert: PeerCertificate) => Error | undefined {
  return (host, cert) => {
    const byAddress = checkServerIdentity(host, cert);
    if (byAddress === undefined) return undefined;
    const given = names.get(host) ?? [];
    if (given.some((name) => checkServerIdentity(name, cert) === undefined)) return undefined;
    const reason =
      given.length === 0
        ? `the certificate does not list the node's address ${host} (it lists ${listed(cert)})`
        : `the certificate names neither ${given.join(" nor ")} (the contact point that resolved to ` +
          `${host}) nor ${host} (it lists ${listed(cert)})`;
    return Object.assign(new Error(reason), { code: "ERR_TLS_CERT_ALTNAME_INVALID", reason, host });
  };
}
