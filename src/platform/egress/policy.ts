/**
 * The egress policy as a pure decision: may nyxCore open a connection to this address and
 * port, reached through this hostname? Address classes come from ipaddr.js; the defaults
 * depend on the mode, and NYXCORE_EGRESS_ALLOW adds exceptions.
 */
import os from 'node:os';
import ipaddr from 'ipaddr.js';
import type { EgressAllow } from '../../config/egress-allow.js';
import type { Env } from '../../config/env.js';

export type EgressMode = 'embedded' | 'server';

type Address = ipaddr.IPv4 | ipaddr.IPv6;

export interface Denial {
  /** Why, for people: "loopback addresses are denied in server mode". */
  reason: string;
  /** False when no NYXCORE_EGRESS_ALLOW entry could help (nyxCore's own port). */
  canAllow: boolean;
}

export interface EgressPolicy {
  mode: EgressMode;
  /** Null when allowed. `hostname` is the name the address was resolved from, if any. */
  judge(address: string, port: number, hostname: string | null): Denial | null;
  describe(): string;
}

const reasons: Record<string, string> = {
  private: 'private addresses are denied',
  uniqueLocal: 'private (unique local) addresses are denied',
  linkLocal: 'link-local addresses, including the cloud metadata service 169.254.169.254, are denied',
  unspecified: 'the unspecified address (0.0.0.0, ::) is denied',
  carrierGradeNat: 'carrier-grade NAT addresses are denied',
  multicast: 'multicast addresses are denied',
  broadcast: 'the broadcast address is denied',
};

const nat64 = ipaddr.parseCIDR('64:ff9b::/96');
// IPv4-compatible addresses (::a.b.c.d, deprecated by RFC 4291) that ipaddr.js calls unicast.
const ipv4Compatible = ipaddr.parseCIDR('::/96');

/**
 * IPv4-mapped (::ffff:a.b.c.d) and NAT64 (64:ff9b::a.b.c.d) addresses reach an IPv4 host,
 * so they are judged as that host: ::ffff:127.0.0.1 is loopback, not "some IPv6 address".
 */
function effectiveAddress(text: string): Address {
  const addr = ipaddr.process(text.replace(/^\[(.*)\]$/, '$1'));
  return addr.kind() === 'ipv6' && addr.match(nat64) ? ipaddr.fromByteArray(addr.toByteArray().slice(12)) : addr;
}

function matchesAny(addr: Address, cidrs: [Address, number][]): boolean {
  return cidrs.some(([net, bits]) => net.kind() === addr.kind() && addr.match(net, bits));
}

/** Every address of this machine's interfaces: nyxCore's own port there is nyxCore itself. */
function ownAddresses(): Address[] {
  const all = Object.values(os.networkInterfaces()).flatMap((list) => list ?? []);
  return all.flatMap((i) =>
    ipaddr.isValid(i.address.split('%')[0] ?? '') ? [effectiveAddress(i.address.split('%')[0] ?? '')] : [],
  );
}

function isHostAllowed(allow: EgressAllow, hostname: string | null): boolean {
  if (!hostname) return false;
  const name = hostname.toLowerCase().replace(/\.$/, '');
  return allow.hosts.includes(name) || allow.suffixes.some((s) => name.endsWith(s));
}

function defaultDenial(addr: Address, mode: EgressMode): Denial | null {
  if (addr.kind() === 'ipv6' && addr.match(ipv4Compatible) && addr.range() === 'unicast')
    return { reason: 'IPv4-compatible IPv6 addresses are denied', canAllow: true };
  const range = addr.range();
  if (range === 'unicast') return null;
  if (range === 'loopback')
    return mode === 'embedded' ? null : { reason: 'loopback addresses are denied in server mode', canAllow: true };
  return { reason: reasons[range] ?? `reserved or special-purpose addresses (${range}) are denied`, canAllow: true };
}

/** Whether an address is anything but a public unicast one (loopback, private, link-local, …). Example: `isNonPublicAddress('10.0.0.1')` → true. */
export function isNonPublicAddress(address: string): boolean {
  try {
    return effectiveAddress(address).range() !== 'unicast';
  } catch {
    return true;
  }
}

/** Example: `createPolicy(env).judge('169.254.169.254', 80, null)?.reason` → "link-local addresses, …, are denied". */
export function createPolicy(env: Pick<Env, 'DATABASE_URL' | 'PORT' | 'NYXCORE_EGRESS_ALLOW'>): EgressPolicy {
  const mode: EgressMode = env.DATABASE_URL ? 'server' : 'embedded';
  const allow = env.NYXCORE_EGRESS_ALLOW;
  const cidrs = allow.cidrs.map((c) => ipaddr.parseCIDR(c));
  const own = ownAddresses();
  const isSelf = (addr: Address, port: number) =>
    env.PORT > 0 &&
    port === env.PORT &&
    (['loopback', 'unspecified'].includes(addr.range()) ||
      own.some((o) => o.kind() === addr.kind() && o.toNormalizedString() === addr.toNormalizedString()));
  return {
    mode,
    judge(address, port, hostname) {
      let addr: Address;
      try {
        addr = effectiveAddress(address);
      } catch {
        return { reason: 'the address could not be parsed', canAllow: false };
      }
      // Calling ourselves is never legitimate, whatever the allow list says.
      if (isSelf(addr, port)) return { reason: `port ${port} on this machine is nyxCore itself`, canAllow: false };
      if (isHostAllowed(allow, hostname) || matchesAny(addr, cidrs)) return null;
      return defaultDenial(addr, mode);
    },
    describe() {
      const loopback = mode === 'embedded' ? 'loopback allowed' : 'loopback denied';
      const extra = [...allow.hosts, ...allow.suffixes.map((s) => `*${s}`), ...allow.cidrs];
      return `${mode} mode: public addresses allowed, ${loopback}; private, link-local, metadata and reserved ranges denied${extra.length ? `; also allowed: ${extra.join(', ')}` : ''}`;
    },
  };
}
