/**
 * A reader's batch as it crosses from a CloudTrail worker to the calling thread: the batch's
 * groups and principals as columns (typed arrays, and flat arrays of strings with each distinct
 * event source, name, error code, account, role and session written once) instead of one object
 * each. `unpackBatch(packBatch(r))` is `r` again, field for field (test/usage/batch-wire.property.test.ts).
 *
 * Why: a structured clone writes and reads an object property by property, through V8's generic
 * path, and repeats every string it meets. At 10,000 functions and 1M records the readers' batches
 * held 116,000 groups and 48,000 principals: on those batches the objects' clone took 703–857 ms
 * to write and read back, the columns 336–389 ms with packing and unpacking, and the merges of
 * the unpacked objects (all of one shape) took no longer (bench/results/scale.md, "Session 56";
 * `bench/usage/merge.ts` times both crossings). The batches are read while both cores are busy,
 * so this is CPU the audit gets back.
 */
import type { FilePartial, GroupPartial, PrincipalPartial } from "./accumulate.js";
import type { Parents } from "./parents.js";
import type { FileResult } from "./read-file.js";

/** Strings by index; -1 for null. */
class StringTable {
  readonly strings: string[] = [];
  private readonly ids = new Map<string, number>();

  id(s: string | null): number {
    if (s === null) return -1;
    let i = this.ids.get(s);
    if (i === undefined) {
      i = this.strings.length;
      this.strings.push(s);
      this.ids.set(s, i);
    }
    return i;
  }
}

interface WireGroups {
  principal: Int32Array;
  eventSource: Int32Array;
  eventName: Int32Array;
  errorCode: Int32Array;
  prefix: Int32Array;
  /** 1: versioned; 2: resourcesTruncated. */
  flags: Uint8Array;
  count: Float64Array;
  unnamed: Float64Array;
  deniedBy: Float64Array;
  firstSeen: string[];
  lastSeen: string[];
  /** Group i's resources are resources[resourceEnds[i - 1] (0 for the first) … resourceEnds[i]). */
  resourceEnds: Int32Array;
  resources: string[];
  /** The groups whose parents are not undefined (a truncated sample), by index: rare. */
  parents: Array<[number, Parents]>;
}

interface WirePrincipals {
  accountId: Int32Array;
  roleArn: Int32Array;
  sessionName: Int32Array;
  invokedBy: Int32Array;
  functionArn: Int32Array;
  /** 1: dropped; 2: has session fingerprints (a Lambda service principal). */
  flags: Uint8Array;
  /** Principal i's regions are regions[regionEnds[i - 1] … regionEnds[i]), as string ids. */
  regionEnds: Int32Array;
  regions: Int32Array;
  fingerprintEnds: Int32Array;
  fingerprints: Float64Array;
}

/** What a worker posts in place of a FileResult. */
export interface WireBatch {
  result: Omit<FileResult, "partial"> & { partial: Omit<FilePartial, "groups" | "principals"> };
  strings: string[];
  groups: WireGroups;
  principals: WirePrincipals;
}

export function packBatch(result: FileResult): WireBatch {
  const { groups, principals, ...rest } = result.partial;
  const table = new StringTable();
  const wireGroups = packGroups(groups, table);
  const wirePrincipals = packPrincipals(principals, table);
  return { result: { ...result, partial: rest }, strings: table.strings, groups: wireGroups, principals: wirePrincipals };
}

/** The buffers of a packed batch, for postMessage's transfer list (none is shared or reused). */
export function transferablesOf(wire: WireBatch): ArrayBuffer[] {
  const out: ArrayBuffer[] = [];
  for (const columns of [wire.groups, wire.principals] as object[]) {
    for (const v of Object.values(columns)) if (ArrayBuffer.isView(v)) out.push(v.buffer as ArrayBuffer);
  }
  return out;
}

export function unpackBatch(wire: WireBatch): FileResult {
  const partial: FilePartial = {
    ...wire.result.partial,
    principals: unpackPrincipals(wire.principals, wire.strings),
    groups: unpackGroups(wire.groups, wire.strings),
  };
  return { ...wire.result, partial };
}

function packGroups(groups: readonly GroupPartial[], table: StringTable): WireGroups {
  const n = groups.length;
  const w: WireGroups = {
    principal: new Int32Array(n),
    eventSource: new Int32Array(n),
    eventName: new Int32Array(n),
    errorCode: new Int32Array(n),
    prefix: new Int32Array(n),
    flags: new Uint8Array(n),
    count: new Float64Array(n),
    unnamed: new Float64Array(n),
    deniedBy: new Float64Array(n),
    firstSeen: new Array<string>(n),
    lastSeen: new Array<string>(n),
    resourceEnds: new Int32Array(n),
    resources: [],
    parents: [],
  };
  for (let i = 0; i < n; i++) {
    const g = groups[i] as GroupPartial;
    w.principal[i] = g.principal;
    w.eventSource[i] = table.id(g.eventSource);
    w.eventName[i] = table.id(g.eventName);
    w.errorCode[i] = table.id(g.errorCode);
    w.prefix[i] = table.id(g.prefix);
    w.flags[i] = (g.versioned ? 1 : 0) | (g.resourcesTruncated ? 2 : 0);
    w.count[i] = g.count;
    w.unnamed[i] = g.unnamed;
    w.deniedBy[i] = g.deniedBy;
    w.firstSeen[i] = g.firstSeen;
    w.lastSeen[i] = g.lastSeen;
    for (const r of g.resources) w.resources.push(r);
    w.resourceEnds[i] = w.resources.length;
    if (g.parents !== undefined) w.parents.push([i, g.parents]);
  }
  return w;
}

/** The string of id `i` (StringTable.id), null for -1. */
function stringOrNull(strings: readonly string[], i: number): string | null {
  return i < 0 ? null : (strings[i] as string);
}

function unpackGroups(w: WireGroups, strings: readonly string[]): GroupPartial[] {
  const n = w.principal.length;
  const out = new Array<GroupPartial>(n);
  let parentAt = 0;
  let from = 0;
  for (let i = 0; i < n; i++) {
    const to = w.resourceEnds[i] as number;
    const flags = w.flags[i] as number;
    let parents: Parents | undefined;
    if ((w.parents[parentAt]?.[0] ?? -1) === i) parents = (w.parents[parentAt++] as [number, Parents])[1];
    // The fields in GroupPartial's order (accumulate.ts groupOf), so that every group has one shape.
    out[i] = {
      principal: w.principal[i] as number,
      eventSource: strings[w.eventSource[i] as number] as string,
      eventName: strings[w.eventName[i] as number] as string,
      errorCode: stringOrNull(strings, w.errorCode[i] as number),
      versioned: (flags & 1) !== 0,
      count: w.count[i] as number,
      firstSeen: w.firstSeen[i] as string,
      lastSeen: w.lastSeen[i] as string,
      resources: w.resources.slice(from, to),
      resourcesTruncated: (flags & 2) !== 0,
      prefix: stringOrNull(strings, w.prefix[i] as number),
      parents,
      unnamed: w.unnamed[i] as number,
      deniedBy: w.deniedBy[i] as number,
    };
    from = to;
  }
  return out;
}

function packPrincipals(principals: readonly PrincipalPartial[], table: StringTable): WirePrincipals {
  const n = principals.length;
  let nRegions = 0;
  let nFingerprints = 0;
  for (const p of principals) {
    nRegions += p.regions.length;
    nFingerprints += p.sessionFingerprints?.length ?? 0;
  }
  const w: WirePrincipals = {
    accountId: new Int32Array(n),
    roleArn: new Int32Array(n),
    sessionName: new Int32Array(n),
    invokedBy: new Int32Array(n),
    functionArn: new Int32Array(n),
    flags: new Uint8Array(n),
    regionEnds: new Int32Array(n),
    regions: new Int32Array(nRegions),
    fingerprintEnds: new Int32Array(n),
    fingerprints: new Float64Array(nFingerprints),
  };
  let r = 0;
  let f = 0;
  for (let i = 0; i < n; i++) {
    const p = principals[i] as PrincipalPartial;
    w.accountId[i] = table.id(p.accountId);
    w.roleArn[i] = table.id(p.roleArn);
    w.sessionName[i] = table.id(p.sessionName);
    w.invokedBy[i] = table.id(p.invokedBy);
    w.functionArn[i] = table.id(p.functionArn);
    w.flags[i] = (p.dropped === true ? 1 : 0) | (p.sessionFingerprints !== null ? 2 : 0);
    for (const region of p.regions) w.regions[r++] = table.id(region);
    w.regionEnds[i] = r;
    for (const fp of p.sessionFingerprints ?? []) w.fingerprints[f++] = fp;
    w.fingerprintEnds[i] = f;
  }
  return w;
}

function unpackPrincipals(w: WirePrincipals, strings: readonly string[]): PrincipalPartial[] {
  const n = w.accountId.length;
  const out = new Array<PrincipalPartial>(n);
  let r = 0;
  let f = 0;
  for (let i = 0; i < n; i++) {
    const flags = w.flags[i] as number;
    const regionsTo = w.regionEnds[i] as number;
    const regions: string[] = [];
    for (; r < regionsTo; r++) regions.push(strings[w.regions[r] as number] as string);
    const fingerprintsTo = w.fingerprintEnds[i] as number;
    let sessionFingerprints: number[] | null = null;
    if ((flags & 2) !== 0) {
      sessionFingerprints = [];
      for (; f < fingerprintsTo; f++) sessionFingerprints.push(w.fingerprints[f] as number);
    }
    const p: PrincipalPartial = {
      accountId: strings[w.accountId[i] as number] as string,
      roleArn: strings[w.roleArn[i] as number] as string,
      sessionName: strings[w.sessionName[i] as number] as string,
      invokedBy: stringOrNull(strings, w.invokedBy[i] as number),
      functionArn: stringOrNull(strings, w.functionArn[i] as number),
      regions,
      sessionFingerprints,
    };
    // `dropped` only where it was: a kept principal has no such key (accumulate.ts).
    out[i] = (flags & 1) !== 0 ? { ...p, dropped: true } : p;
  }
  return out;
}
