/**
 * Parses NYXCORE_EGRESS_ALLOW: comma-separated hostnames (`ollama.internal`), hostname
 * suffixes (`*.corp.example`), IP addresses and CIDRs (v4 and v6) that outbound requests
 * may reach even where the egress policy's defaults deny them.
 * Example: `parseEgressAllow('127.0.0.1, 10.1.2.0/24, *.corp.example')` →
 * `{ hosts: [], suffixes: ['.corp.example'], cidrs: ['127.0.0.1/32', '10.1.2.0/24'] }`.
 */
import ipaddr from 'ipaddr.js';

export interface EgressAllow {
  /** Exact hostnames, lower-case, without a trailing dot. */
  hosts: string[];
  /** `*.example.com` is stored as `.example.com`: it matches subdomains, not example.com itself. */
  suffixes: string[];
  /** Normalised `address/prefix`; single addresses become /32 or /128. */
  cidrs: string[];
}

const LABEL = /^(?!-)[a-z0-9_-]{1,63}(?<!-)$/;

/** A hostname the URL parser keeps as a name (a numeric last label would turn it into an IPv4 address). */
function normaliseHostname(text: string): string | null {
  const name = text.toLowerCase().replace(/\.$/, '');
  const labels = name.split('.');
  if (name.length > 253 || !labels.every((l) => LABEL.test(l))) return null;
  return /^(0x[0-9a-f]*|\d+)$/.test(labels.at(-1) ?? '') ? null : name;
}

function parseCidr(text: string): string | null {
  try {
    const [addr, prefix] = text.includes('/') ? ipaddr.parseCIDR(text) : [ipaddr.parse(text), -1];
    // Four decimal parts only: "10" or "0x7f.1" are valid to ipaddr but surprising in a config file.
    if (addr.kind() === 'ipv4' && !ipaddr.IPv4.isValidFourPartDecimal(text.split('/')[0] ?? '')) return null;
    const bits = prefix >= 0 ? prefix : addr.kind() === 'ipv4' ? 32 : 128;
    // The policy judges ::ffff:a.b.c.d as a.b.c.d, so a mapped entry is stored as IPv4 too.
    if (addr.kind() === 'ipv6' && (addr as ipaddr.IPv6).isIPv4MappedAddress() && bits >= 96)
      return `${(addr as ipaddr.IPv6).toIPv4Address().toString()}/${bits - 96}`;
    return `${addr.toNormalizedString()}/${bits}`;
  } catch {
    return null;
  }
}

/** Returns the parsed list, or the entry that is neither a hostname, an IP address nor a CIDR. */
export function parseEgressAllow(text: string): { allow: EgressAllow } | { bad: string } {
  const allow: EgressAllow = { hosts: [], suffixes: [], cidrs: [] };
  for (const raw of text
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)) {
    const entry = raw.replace(/^\[(.*)\]$/, '$1');
    const cidr = /^[\d.]+(\/\d+)?$|:/.test(entry) ? parseCidr(entry) : null;
    const suffix = entry.startsWith('*.') ? normaliseHostname(entry.slice(2)) : null;
    const host = cidr || suffix ? null : normaliseHostname(entry);
    if (cidr) allow.cidrs.push(cidr);
    else if (suffix) allow.suffixes.push(`.${suffix}`);
    else if (host) allow.hosts.push(host);
    else return { bad: raw };
  }
  return { allow };
}
