/**
 * IPv4/IPv6 addresses and CIDR blocks for the IpAddress / NotIpAddress condition operators.
 * Addresses become BigInts in a 128-bit space (IPv4 mapped to ::ffff:a.b.c.d), so one comparison
 * covers both families; an IPv4 block never matches an IPv6 address outside the mapped range.
 */

export interface CidrBlock {
  base: bigint;
  prefix: number; // in the 128-bit space
}

const V4_MAPPED = 0xffffn << 32n;

function parseV4(text: string): bigint | null {
  const parts = text.split(".");
  if (parts.length !== 4) return null;
  let v = 0n;
  for (const p of parts) {
    if (!/^\d{1,3}$/.test(p)) return null;
    const n = Number(p);
    if (n > 255) return null;
    v = (v << 8n) | BigInt(n);
  }
  return v;
}

function parseV6(text: string): bigint | null {
  let head = text;
  let tailV4: bigint | null = null;
  const lastColon = text.lastIndexOf(":");
  if (text.includes(".")) {
    tailV4 = parseV4(text.slice(lastColon + 1));
    if (tailV4 === null) return null;
    head = `${text.slice(0, lastColon + 1)}0:0`;
  }
  const halves = head.split("::");
  if (halves.length > 2) return null;
  const toGroups = (s: string): string[] => (s === "" ? [] : s.split(":"));
  const left = toGroups(halves[0] as string);
  const right = halves.length === 2 ? toGroups(halves[1] as string) : [];
  const missing = 8 - left.length - right.length;
  if (halves.length === 1 ? missing !== 0 : missing < 1) return null;
  const groups = [...left, ...new Array<string>(halves.length === 2 ? missing : 0).fill("0"), ...right];
  let v = 0n;
  for (const g of groups) {
    if (!/^[0-9a-fA-F]{1,4}$/.test(g)) return null;
    v = (v << 16n) | BigInt(parseInt(g, 16));
  }
  if (tailV4 !== null) v = (v & ~0xffffffffn) | tailV4;
  return v;
}

/** An address as a 128-bit integer (IPv4 mapped), or null when it is not an address. */
export function parseIp(text: string): bigint | null {
  const t = text.trim();
  if (t.includes(":")) return parseV6(t);
  const v4 = parseV4(t);
  return v4 === null ? null : V4_MAPPED | v4;
}

/** `203.0.113.0/24`, `2001:db8::/32`, or a bare address (= /32 or /128). Null when malformed. */
export function parseCidr(text: string): CidrBlock | null {
  const t = text.trim();
  const slash = t.indexOf("/");
  const addrText = slash < 0 ? t : t.slice(0, slash);
  const isV6 = addrText.includes(":");
  const addr = parseIp(addrText);
  if (addr === null) return null;
  let prefix = isV6 ? 128 : 32;
  if (slash >= 0) {
    const p = t.slice(slash + 1);
    if (!/^\d{1,3}$/.test(p)) return null;
    prefix = Number(p);
    if (prefix > (isV6 ? 128 : 32)) return null;
  }
  const prefix128 = isV6 ? prefix : prefix + 96;
  const mask = prefix128 === 0 ? 0n : ((1n << 128n) - 1n) ^ ((1n << BigInt(128 - prefix128)) - 1n);
  return { base: addr & mask, prefix: prefix128 };
}

export function cidrContains(block: CidrBlock, addr: bigint): boolean {
  if (block.prefix === 0) return true;
  const shift = BigInt(128 - block.prefix);
  return addr >> shift === block.base >> shift;
}
