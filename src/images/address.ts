/**
 * Which network addresses an image fetch may connect to. URLs come from untrusted
 * articles: a hostile one must not make the build (or CI) fetch what it can reach on its
 * own network, so loopback, private, link-local (cloud metadata), CGNAT, multicast,
 * reserved and unspecified addresses are refused, and IPv4 embedded in IPv6 is checked
 * as IPv4.
 */
import { BlockList, isIP, isIPv4 } from 'node:net';

const blocked = new BlockList();
const V4: Array<[string, number, string]> = [
  ['0.0.0.0', 8, 'unspecified ("this network")'],
  ['10.0.0.0', 8, 'private'],
  ['100.64.0.0', 10, 'carrier-grade NAT (shared)'],
  ['127.0.0.0', 8, 'loopback'],
  ['169.254.0.0', 16, 'link-local (cloud metadata)'],
  ['172.16.0.0', 12, 'private'],
  ['192.0.0.0', 24, 'IETF protocol assignments'],
  ['192.0.2.0', 24, 'documentation'],
  ['192.88.99.0', 24, '6to4 relay'],
  ['192.168.0.0', 16, 'private'],
  ['198.18.0.0', 15, 'benchmarking'],
  ['198.51.100.0', 24, 'documentation'],
  ['203.0.113.0', 24, 'documentation'],
  ['224.0.0.0', 4, 'multicast'],
  ['240.0.0.0', 4, 'reserved / broadcast'],
];
const V6: Array<[string, number, string]> = [
  ['::', 128, 'unspecified'],
  ['::1', 128, 'loopback'],
  ['64:ff9b:1::', 48, 'local NAT64'],
  ['100::', 64, 'discard-only'],
  ['2001:db8::', 32, 'documentation'],
  ['fc00::', 7, 'unique local (private; includes fd00:ec2::254 metadata)'],
  ['fe80::', 10, 'link-local'],
  ['fec0::', 10, 'site-local (deprecated)'],
  ['ff00::', 8, 'multicast'],
];
for (const [net, prefix] of V4) blocked.addSubnet(net, prefix, 'ipv4');
for (const [net, prefix] of V6) blocked.addSubnet(net, prefix, 'ipv6');

function v4FromInt(hi: number, lo: number): string {
  return [hi >> 8, hi & 255, lo >> 8, lo & 255].join('.');
}

/** Expands an IPv6 address to its eight 16-bit groups (accepts a dotted IPv4 tail). */
function groups(address: string): number[] {
  let text = address.split('%')[0]!.toLowerCase();
  const dotted = /(\d+\.\d+\.\d+\.\d+)$/.exec(text);
  if (dotted) {
    const [a, b, c, d] = dotted[1]!.split('.').map(Number) as [number, number, number, number];
    text = text.slice(0, -dotted[1]!.length) + `${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const [head, tail] = text.split('::') as [string, string | undefined];
  const left = head ? head.split(':') : [];
  const right = tail !== undefined && tail !== '' ? tail.split(':') : [];
  const fill = tail === undefined ? [] : Array<string>(8 - left.length - right.length).fill('0');
  return [...left, ...fill, ...right].map((g) => parseInt(g, 16));
}

/** The IPv4 address an IPv6 address carries (mapped, compatible, NAT64, 6to4), if any. */
export function embeddedIPv4(address: string): string | null {
  const g = groups(address);
  if (g.length !== 8) return null;
  const zeros = (from: number, to: number): boolean => g.slice(from, to).every((x) => x === 0);
  if (zeros(0, 5) && (g[5] === 0xffff || g[5] === 0) && !(g[5] === 0 && g[6] === 0)) return v4FromInt(g[6]!, g[7]!);
  if (g[0] === 0x64 && g[1] === 0xff9b && zeros(2, 6)) return v4FromInt(g[6]!, g[7]!); // NAT64 64:ff9b::/96
  if (g[0] === 0x2002) return v4FromInt(g[1]!, g[2]!); // 6to4
  return null;
}

/**
 * Why an address must not be connected to, or null when it is a public unicast address.
 * Anything that is not a valid IP address is refused.
 */
export function forbiddenReason(address: string): string | null {
  const bare = address.replace(/^\[|\]$/g, '');
  const family = isIP(bare.split('%')[0]!);
  if (family === 0) return 'not an IP address';
  if (family === 4) {
    if (!blocked.check(bare, 'ipv4')) return null;
    return `${V4.find(([net, prefix]) => inSubnet4(bare, net, prefix))?.[2] ?? 'reserved'} address`;
  }
  const v4 = embeddedIPv4(bare);
  if (v4 !== null && isIPv4(v4)) {
    const inner = forbiddenReason(v4);
    if (inner) return `${inner} (embedded in IPv6)`;
  }
  const plain = bare.split('%')[0]!;
  if (!blocked.check(plain, 'ipv6')) return null;
  const single = new BlockList();
  for (const [net, prefix, why] of V6) {
    single.addSubnet(net, prefix, 'ipv6');
    if (single.check(plain, 'ipv6')) return `${why} address`;
  }
  return 'reserved address';
}

function inSubnet4(address: string, net: string, prefix: number): boolean {
  const list = new BlockList();
  list.addSubnet(net, prefix, 'ipv4');
  return list.check(address, 'ipv4');
}
