// Which address a request comes from, for the sign-in limit. Behind reverse proxies the socket's
// peer is the nearest proxy, and each proxy appends the address it received the request from to
// X-Forwarded-For. Only what trusted proxies appended can be believed: entries to the left of
// them were written by the client, who may write anything. So the client is found by walking from
// the socket's peer leftwards through X-Forwarded-For, past the proxies trusted, to the first
// address that is not one (as proxy-addr does for Fastify's `trustProxy`).
import { BlockList, isIP } from 'node:net';

/**
 * Which proxies to trust: `true` is one proxy in front of the hub (the client is the last address
 * in X-Forwarded-For), a number that many proxies in a chain, a list those proxies' addresses or
 * CIDR ranges (`10.0.0.0/8`, `::1`). `false` or absent: the socket's peer is the client.
 */
export type TrustProxy = boolean | number | readonly string[];

/** Whether the `hop`-th address from the hub (0: the socket's peer) is a trusted proxy, given its address. */
export type TrustedHop = (address: string, hop: number) => boolean;

/** A trusted proxy entry that is not an IP address or CIDR range, named in the message. */
export class InvalidTrustedProxy extends Error {}

function blockListOf(entries: readonly string[]): BlockList {
  const list = new BlockList();
  for (const entry of entries) {
    const [address = '', prefix, ...rest] = entry.trim().split('/');
    const family = isIP(address);
    const bits = prefix === undefined ? undefined : Number(prefix);
    const max = family === 4 ? 32 : 128;
    if (family === 0 || rest.length > 0 || (bits !== undefined && (!Number.isInteger(bits) || bits < 0 || bits > max || prefix!.trim() === ''))) {
      throw new InvalidTrustedProxy(`trusted proxy ${JSON.stringify(entry)} is not an IP address or CIDR range (e.g. 10.0.0.5, 10.0.0.0/8, fd00::/8)`);
    }
    const type = family === 4 ? 'ipv4' : 'ipv6';
    if (bits === undefined) list.addAddress(address, type);
    else list.addSubnet(address, bits, type);
  }
  return list;
}

/** An IPv4 address written as IPv6 (`::ffff:10.0.0.1`), as a dual-stack socket reports it, back to IPv4. */
function unmapped(address: string): string {
  return /^::ffff:\d+\.\d+\.\d+\.\d+$/i.test(address) ? address.slice(7) : address;
}

/** The trust as a function of (address, hop), what Fastify's `trustProxy` takes too. */
export function trustedHop(trust: TrustProxy): TrustedHop {
  if (trust === false) return () => false;
  if (trust === true) return (_address, hop) => hop < 1;
  if (typeof trust === 'number') {
    if (!Number.isInteger(trust) || trust < 0) throw new InvalidTrustedProxy(`the number of trusted proxies must be a whole number, 0 or more (got ${trust})`);
    return (_address, hop) => hop < trust;
  }
  const list = blockListOf(trust);
  return (address) => {
    const plain = unmapped(address.trim());
    const family = isIP(plain);
    return family !== 0 && list.check(plain, family === 4 ? 'ipv4' : 'ipv6');
  };
}

/**
 * The client's address: the socket's peer, or, past each trusted proxy, the address that proxy
 * put at the end of X-Forwarded-For. (When every address is trusted, the left-most is the client.)
 */
export function clientAddress(peer: string, forwardedFor: string | string[] | undefined, trusted: TrustedHop): string {
  const forwarded = (Array.isArray(forwardedFor) ? forwardedFor.join(',') : (forwardedFor ?? ''))
    .split(',')
    .map((entry) => entry.trim())
    .filter((entry) => entry !== '');
  const chain = [peer, ...forwarded.reverse()];
  for (let hop = 0; hop < chain.length - 1; hop += 1) if (!trusted(chain[hop]!, hop)) return chain[hop]!;
  return chain[chain.length - 1]!;
}
