import { type Detector, tailGroup } from '../detector.ts';

const GROUP = /^[0-9A-Fa-f]{1,4}$/;
const IPV4 = /^(?:(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)\.){3}(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)$/;

function groupsOk(part: string): number {
  if (part === '') return 0;
  const groups = part.split(':');
  for (const g of groups) if (!GROUP.test(g)) return -1;
  return groups.length;
}

/** RFC 4291 text forms: eight groups, or fewer with one `::`, optionally ending in a dotted IPv4 (mapped). */
export function isIpv6(addr: string): boolean {
  let a = addr;
  let budget = 8;
  const lastColon = a.lastIndexOf(':');
  const tail = a.slice(lastColon + 1);
  if (tail.includes('.')) {
    if (!IPV4.test(tail)) return false;
    a = a.slice(0, lastColon + 1);
    budget = 6;
    // `::ffff:1.2.3.4` leaves `::ffff:`; `1:2:3:4:5:6:1.2.3.4` leaves `…:6:`. Drop the colon before the IPv4.
    if (!a.endsWith('::')) a = a.slice(0, -1);
  }
  const dbl = a.indexOf('::');
  if (dbl !== a.lastIndexOf('::')) return false;
  if (dbl < 0) return groupsOk(a) === budget;
  const left = groupsOk(a.slice(0, dbl));
  const right = groupsOk(a.slice(dbl + 2));
  if (left < 0 || right < 0) return false;
  const used = left + right;
  // A bare `::` (C++/Rust paths, empty strings) is too ambiguous to mask.
  return used < budget && (used > 0 || budget === 6);
}

/**
 * IPv6 addresses, full or compressed, with an optional zone (`fe80::1%eth0`) or embedded IPv4 (`::ffff:192.0.2.1`).
 * To spare code (`Foo::Bar`, `cafe::babe`) the address must contain a decimal digit and not mix letter cases.
 * A `:` bounds the address on the left only after a key holding a non-hex letter (`ip:`, `src:`, `ipv6:`): the
 * groups of an address are hex, so such a colon can never be one inside an address.
 */
export const ipv6: Detector = {
  name: 'ipv6',
  minLength: 3, // `::1`
  pattern:
    /(?:^|[^0-9A-Za-z:.]|:(?<=[G-Zg-z_][0-9A-Za-z_-]*:))((?:[0-9A-Fa-f]{1,4})?(?::[0-9A-Fa-f]{0,4}){2,8}(?:\.\d{1,3}){0,3}(?:%[0-9A-Za-z_~-]+)?)(?![0-9A-Za-z:]|\.\d)/g,
  // Without `::` an address has 7 colons, or 6 before an embedded IPv4.
  worthScanning: (text, probe) => text.includes('::') || probe.colons(6),
  validate(m) {
    const s = m[1]!;
    const pct = s.indexOf('%');
    const addr = pct < 0 ? s : s.slice(0, pct);
    if (!/\d/.test(addr) || (/[a-f]/.test(addr) && /[A-F]/.test(addr))) return undefined;
    if (!isIpv6(addr)) return undefined;
    return tailGroup(m);
  },
  canonical: (value) => value.toLowerCase(),
};
