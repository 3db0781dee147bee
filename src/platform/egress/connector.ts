/**
 * The connect step of the egress Agent: the policy is applied to the address a socket is
 * about to connect to, after DNS, so a name that resolved to a public address at
 * configuration time and to 127.0.0.1 now (DNS rebinding) is still refused.
 */
import dns from 'node:dns';
import net, { type LookupFunction } from 'node:net';
import { buildConnector } from 'undici';
import { EgressError } from './errors.js';
import type { Denial, EgressPolicy } from './policy.js';

/** The addresses the policy allows, and the first denial among the others. */
export function judgeAll(policy: EgressPolicy, addresses: dns.LookupAddress[], port: number, hostname: string) {
  const judged = addresses.map((a) => ({ a, denial: policy.judge(a.address, port, hostname) }));
  return {
    allowed: judged.filter((j) => !j.denial).map((j) => j.a),
    denial: judged.find((j) => j.denial)?.denial ?? null,
  };
}

export const deniedError = (host: string, d: Denial) =>
  new EgressError('EGRESS_DENIED', `the egress policy refused ${host}: ${d.reason}`);

/**
 * A dns.lookup that hands net only the addresses the policy allows for this port, and fails
 * when none is left: a name resolving to [public, 10.0.0.5] is only ever connected to the first.
 */
function guardedLookup(policy: EgressPolicy, port: number): LookupFunction {
  return (hostname, options, callback) => {
    dns.lookup(hostname, { ...options, all: true }, (err, addresses) => {
      if (err) return callback(err, '', 0);
      const { allowed, denial } = judgeAll(policy, addresses, port, hostname);
      const first = allowed[0];
      if (!first)
        return callback(deniedError(hostname, denial ?? { reason: 'the name has no address', canAllow: false }), '', 0);
      // net asks for every address when it races IPv4 and IPv6 (autoSelectFamily).
      if (options.all) callback(null, allowed);
      else callback(null, first.address, first.family);
    });
  };
}

/**
 * Example: `new Agent({ connect: guardedConnector(policy) })`. IP-literal hosts never reach
 * `lookup`, so they are judged here before the socket opens.
 */
export function guardedConnector(policy: EgressPolicy, timeoutMs = 10_000): buildConnector.connector {
  // The lookup needs the port (nyxCore's own port is denied), and one connector per port
  // keeps undici's TLS session cache; tenants configure few distinct ports.
  const byPort = new Map<number, buildConnector.connector>();
  const connectorFor = (port: number) => {
    let c = byPort.get(port);
    if (!c) {
      if (byPort.size >= 256) byPort.clear();
      c = buildConnector({ lookup: guardedLookup(policy, port), timeout: timeoutMs });
      byPort.set(port, c);
    }
    return c;
  };
  return (options, callback) => {
    const port = Number(options.port) || (options.protocol === 'https:' ? 443 : 80);
    const host = options.hostname.replace(/^\[(.*)\]$/, '$1');
    const denial = net.isIP(host) ? policy.judge(host, port, null) : null;
    if (denial) {
      callback(deniedError(host, denial), null);
      return;
    }
    connectorFor(port)(options, callback);
  };
}
