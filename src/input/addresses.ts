/**
 * IPv4 address arithmetic for the lab, on top of the `ip-address` library.
 * Azure's rules encoded here come from Microsoft Learn, https://learn.microsoft.com/azure/virtual-network/virtual-networks-faq:
 * a subnet's first four addresses (network, default gateway, two for Azure DNS) and its
 * last address (broadcast) are reserved; the smallest subnet is /29.
 */
import { Address4 } from "ip-address";

/** Addresses Azure reserves at the start of every subnet (x.x.x.0 to x.x.x.3). */
export const AZURE_RESERVED_AT_START = 4;
/** The smallest subnet Azure accepts (/29: 8 addresses, 3 usable). */
export const AZURE_SMALLEST_SUBNET_PREFIX = 29;

/** A parsed IPv4 CIDR block, e.g. `10.20.1.0/24`. */
export interface Cidr {
  /** Canonical text, e.g. `10.20.1.0/24`. */
  text: string;
  prefix: number;
  /** First address (network address) as an unsigned 32-bit integer. */
  first: bigint;
  /** Last address (broadcast) as an unsigned 32-bit integer. */
  last: bigint;
}

const DOTTED_QUAD = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/;

/**
 * Parses a plain dotted-quad IPv4 address (`10.20.1.4`; no prefix, no leading zeros).
 * Returns its unsigned 32-bit value, or `undefined` when the text is not one.
 */
export function parseIpv4(text: string): bigint | undefined {
  if (!DOTTED_QUAD.test(text)) return undefined;
  return new Address4(text).bigInt();
}

/** Formats an unsigned 32-bit value as a dotted-quad IPv4 address. */
export function formatIpv4(value: bigint): string {
  return Address4.fromBigInt(value).correctForm();
}

/**
 * Parses an IPv4 CIDR block. Throws an `Error` whose message says what is wrong when the
 * text is not `a.b.c.d/n` with 0 <= n <= 32, or when host bits are set (`10.0.1.5/24`;
 * ARM rejects such a prefix, the message names the network it probably meant).
 */
export function parseCidr(text: string): Cidr {
  const match = /^([^/]+)\/(\d{1,2})$/.exec(text.trim());
  if (!match || parseIpv4(match[1]) === undefined || Number(match[2]) > 32) {
    throw new Error(`'${text}' is not an IPv4 CIDR block such as 10.20.0.0/16`);
  }
  const address = new Address4(`${match[1]}/${match[2]}`);
  const prefix = Number(match[2]);
  const first = address.startAddress().bigInt();
  const last = address.endAddress().bigInt();
  const canonical = `${formatIpv4(first)}/${prefix}`;
  if (address.bigInt() !== first) {
    throw new Error(`'${text}' has host bits set; the network is ${canonical}`);
  }
  return { text: canonical, prefix, first, last };
}

/** True when `inner` lies wholly inside `outer`. */
export function cidrContains(outer: Cidr, inner: Cidr): boolean {
  return inner.first >= outer.first && inner.last <= outer.last;
}

/** True when the two blocks share at least one address. */
export function cidrOverlaps(a: Cidr, b: Cidr): boolean {
  return a.first <= b.last && b.first <= a.last;
}

/** True when the address (unsigned 32-bit) lies in the block. */
export function cidrHas(block: Cidr, address: bigint): boolean {
  return address >= block.first && address <= block.last;
}

/**
 * The range of addresses Azure lets a NIC use in a subnet: from network + 4 to
 * broadcast - 1, inclusive. Empty (`first > last`) for blocks smaller than /29.
 */
export function usableRange(subnet: Cidr): { first: bigint; last: bigint } {
  return { first: subnet.first + BigInt(AZURE_RESERVED_AT_START), last: subnet.last - 1n };
}

/** The dotted-decimal netmask of a block, e.g. `255.255.255.0` for a /24 (DrayTek's form). */
export function dottedMask(block: Cidr): string {
  return new Address4(block.text).subnetMaskAddress().correctForm();
}

/**
 * True when the text is a dotted-quad IPv4 address a VPN peer can have on the internet:
 * not private (RFC 1918), CGNAT, loopback, link-local, multicast, unspecified or broadcast.
 * The RFC 5737 documentation ranges (e.g. 203.0.113.0/24) are accepted so that examples
 * can use them.
 */
export function isPublicIpv4(text: string): boolean {
  if (parseIpv4(text) === undefined) return false;
  const a = new Address4(text);
  return !(a.isPrivate() || a.isCGNAT() || a.isLoopback() || a.isLinkLocal() || a.isMulticast() || a.isUnspecified() || a.isBroadcast());
}
