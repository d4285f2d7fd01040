/**
 * What a local nested stack's template (local-nested-stacks.ts) is read with: not the caller's
 * options nor a samconfig of its own, but what CloudFormation deploys it with. It is a stack of its
 * own (its own logical IDs), in its parent's account and region, named `<parent stack>-<logical
 * ID>-<random suffix>`: the names CloudFormation makes in it start with `<parent's prefix>-<logical
 * ID>` (namePrefix; the logical ID alone when the parent's name is not known either), and its
 * `AWS::StackName` stays unknown. Its parameters are the values of the parent's `Parameters`
 * property, resolved as the parent's reader resolves them (nestedStackLink): a `!Ref` to a
 * parent's parameter given with `--parameter`, a `!GetAtt Role.Arn` of the parent's role (its
 * function then uses that role, not an unknown one); a value the parent does not know is unknown,
 * and a parameter not passed takes its Default. A nested stack whose Condition is false is not read.
 * A nested stack's outputs are what `!GetAtt <id>.Outputs.<name>` gives its parent (a role it
 * exports, used by a function of the parent) and, through the parent, the other nested stacks it is
 * passed to (`LayerArn: !GetAtt Layer.Outputs.LayerArn`).
 *
 * Each instance of a template (local-nested-stacks.ts: one per nested-stack resource naming it) is
 * read with its own: its parent instance's values, its own name prefix, its own outputs (`!GetAtt
 * A.Outputs.X` is instance A's, `B.Outputs.X` B's).
 *
 * Computed when the file is read, with the synthetic account it is read in (the parent's: they
 * share one, build-document.ts), so that the ARNs the parent passes are those of its own records.
 */

import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import type { LocalNestedStack, LocalNesting } from "./local-nested-stacks.js";
import { nestedStackLink, templateOutputs, type CloudFormationReadOptions, type NestedStackLink } from "./read-template.js";

/** What is read: a template as a stack of its own (a top template, key its instanceRoot) or an instance of a local nested stack. */
export interface NestedReadUnit {
  file: string;
  key: string;
  /** Whether the file was named on the command line (an input's flag; false for a child found only through its parent). */
  explicit: boolean;
}

export interface LocalNestedOptions {
  /** An instance's own options (by its key); undefined when the key is no instance, or it (or a parent above it) is not created. */
  childOptions(key: string, syntheticAccountId?: string): CloudFormationReadOptions | undefined;
  /** What a parent's reader (by its key) is told of its local nested stacks: those read, and why others are not. */
  parentOptions(key: string, syntheticAccountId?: string): Pick<CloudFormationReadOptions, "nestedStacksRead" | "nestedStacksSkipped" | "nestedOutputs">;
  /** The template at the top of the key's chain of parents (the root's file); undefined for a key that is neither. */
  topOf(key: string): string | undefined;
  /**
   * What to read of the inputs: each template as a stack of its own, unless it is read as the
   * nested stack(s) of another (then not: those are what is deployed), and each instance of a
   * local nested stack created under the stacks read, in order.
   */
  units(inputs: ReadonlyArray<{ file: string; explicit: boolean }>): NestedReadUnit[];
}

/**
 * `ownOptions(file, syntheticAccountId)`: what a template that is no local nested stack is read
 * with (the caller's, its samconfig's, a CDK manifest's): a top-level parent's.
 */
export function localNestedOptions(nesting: LocalNesting, caller: CloudFormationReadOptions | undefined, ownOptions: (file: string, syntheticAccountId?: string) => CloudFormationReadOptions | undefined): LocalNestedOptions {
  const links = new Map<string, NestedStackLink | null>();
  const linkOf = (c: LocalNestedStack, options: CloudFormationReadOptions, syntheticAccountId: string | undefined): NestedStackLink | null => {
    const key = `${c.key}\u0000\u0000${syntheticAccountId ?? ""}`;
    if (!links.has(key)) {
      let link: NestedStackLink | null;
      try {
        link = nestedStackLink(readFileSync(c.parent), c.parent, { ...options, ...(syntheticAccountId !== undefined ? { syntheticAccountId } : {}) }, c.id);
      } catch {
        link = null; // the parent's own reader says what is wrong with it
      }
      links.set(key, link);
    }
    return links.get(key) ?? null;
  };
  const outputs = new Map<string, Record<string, string> | null>();
  const computing = new Set<string>();
  // A read nested stack's outputs, in the options it is read with (undefined while they are being
  // made: a nested stack whose parameters need its own outputs, which CloudFormation refuses too).
  const outputsOf = (child: string, syntheticAccountId: string | undefined, depth: number): Record<string, string> | undefined => {
    const key = `${child}\u0000\u0000${syntheticAccountId ?? ""}`;
    if (!outputs.has(key)) {
      if (computing.has(key)) return undefined;
      computing.add(key);
      let got: Record<string, string> | null = null;
      try {
        const options = childOf(child, syntheticAccountId, depth);
        const c = nesting.instances.get(child);
        if (options !== undefined && c !== undefined) {
          got = templateOutputs(readFileSync(c.file), c.file, { ...options, ...(syntheticAccountId !== undefined ? { syntheticAccountId } : {}) });
        }
      } catch {
        got = null; // its own reader says what is wrong with it
      } finally {
        computing.delete(key);
      }
      outputs.set(key, got);
    }
    return outputs.get(key) ?? undefined;
  };
  // The outputs of an instance's nested stacks read: all of them, or those `ids` name.
  const outputsFrom = (key: string, ids: readonly string[] | undefined, syntheticAccountId: string | undefined, depth: number): Record<string, Record<string, string>> | undefined => {
    const entry = nesting.parents.get(key);
    if (entry === undefined || depth > 64) return undefined;
    const out: Record<string, Record<string, string>> = {};
    for (const [id, child] of entry.read) {
      if (ids !== undefined && !ids.includes(id)) continue;
      const o = outputsOf(child, syntheticAccountId, depth);
      if (o !== undefined && Object.keys(o).length > 0) out[id] = o;
    }
    return Object.keys(out).length > 0 ? out : undefined;
  };
  // The parent's options, without what it is told of its own nested stacks (which depends on this);
  // undefined for an instance that is not created.
  const baseOf = (key: string, syntheticAccountId: string | undefined, depth: number): CloudFormationReadOptions | undefined => {
    const root = nesting.roots.get(key);
    return root !== undefined ? (ownOptions(root, syntheticAccountId) ?? {}) : childOf(key, syntheticAccountId, depth);
  };
  const childOf = (key: string, syntheticAccountId: string | undefined, depth: number): CloudFormationReadOptions | undefined => {
    const c = nesting.instances.get(key);
    // The chains are cut at cycles and bounded when found (local-nested-stacks.ts); this bounds them again.
    if (c === undefined || depth > 64) return undefined;
    // A nested stack of a nested stack its parent does not create is not created either.
    const parent = baseOf(c.parentKey, syntheticAccountId, depth + 1);
    if (parent === undefined) return undefined;
    // The outputs of the other nested stacks its parameters are given (only those: their own parameters may need this one's).
    const needs = nesting.parents.get(c.parentKey)?.needs[c.id];
    const passed = needs === undefined ? undefined : outputsFrom(c.parentKey, needs, syntheticAccountId, depth + 1);
    const link = linkOf(c, passed === undefined ? parent : { ...parent, nestedOutputs: passed }, syntheticAccountId);
    if (link?.created === false) return undefined;
    const prefix = parent.namePrefix ?? parent.stackName;
    const options: CloudFormationReadOptions = { namePrefix: prefix === undefined ? c.id : `${prefix}-${c.id}`, parameters: link?.parameters ?? {} };
    const own = outputsFrom(key, undefined, syntheticAccountId, depth + 1);
    if (own !== undefined) options.nestedOutputs = own;
    if (link !== null && link.unknown.length > 0) options.unknownParameters = link.unknown;
    if (caller?.partition !== undefined) options.partition = caller.partition;
    if (parent.accountId !== undefined) options.accountId = parent.accountId;
    if (parent.region !== undefined) options.region = parent.region;
    return options;
  };
  const rootOf = (key: string): string => {
    let k = key;
    for (let c = nesting.instances.get(k); c !== undefined; c = nesting.instances.get(k)) k = c.parentKey;
    return k;
  };
  // The instances created under a root (its tree, in the order found).
  const created = new Map<string, LocalNestedStack[]>();
  const createdUnder = (root: string): LocalNestedStack[] => {
    let got = created.get(root);
    if (got === undefined) {
      got = [...nesting.instances.values()].filter((c) => rootOf(c.key) === root && childOf(c.key, undefined, 0) !== undefined);
      created.set(root, got);
    }
    return got;
  };
  // The roots read as stacks of their own: those no other input's tree creates, then (a cycle of
  // inputs, each another's nested stack) the others in order, unless a root read so creates them.
  let readRoots: Set<string> | undefined;
  const rootsRead = (): Set<string> => {
    if (readRoots !== undefined) return readRoots;
    const roots = [...nesting.roots.keys()];
    // Per file, the roots whose trees create it. Why an index: asking each root's tree of every
    // other root was quadratic in the inputs, every input file being a root (an account's 1,000
    // Lambda configuration files: a million tree lookups and ~100 MB of copied root lists).
    const creators = new Map<string, string[]>();
    for (const r of roots) {
      for (const c of createdUnder(r)) {
        const file = resolve(c.file);
        const list = creators.get(file);
        if (list === undefined) creators.set(file, [r]);
        else if (list[list.length - 1] !== r) list.push(r);
      }
    }
    const createdIn = (path: string, among: ReadonlySet<string>): boolean => (creators.get(path) ?? []).some((r) => r !== path && among.has(r));
    const all = new Set(roots);
    const named = new Set(roots.filter((r) => createdIn(r, all)));
    const read = new Set(roots.filter((r) => !named.has(r)));
    for (const r of roots) if (named.has(r) && !createdIn(r, read)) read.add(r);
    return (readRoots = read);
  };
  return {
    childOptions: (key, syntheticAccountId) => childOf(key, syntheticAccountId, 0),
    parentOptions: (key, syntheticAccountId) => {
      const entry = nesting.parents.get(key);
      if (entry === undefined) return {};
      const read = entry.read.filter(([, child]) => childOf(child, syntheticAccountId, 0) !== undefined).map(([id]) => id);
      const nestedOutputs = outputsFrom(key, undefined, syntheticAccountId, 0);
      return {
        ...(read.length > 0 ? { nestedStacksRead: read } : {}),
        ...(Object.keys(entry.skipped).length > 0 ? { nestedStacksSkipped: entry.skipped } : {}),
        ...(nestedOutputs !== undefined ? { nestedOutputs } : {}),
      };
    },
    topOf: (key) => nesting.roots.get(rootOf(key)),
    units: (inputs) => {
      const explicit = new Map(inputs.map((i) => [resolve(i.file), i.explicit] as const));
      const read = rootsRead();
      const out: NestedReadUnit[] = [];
      for (const input of inputs) {
        const key = resolve(input.file);
        // A template that is not read as a stack of its own is read as the nested stacks that create it.
        if (!nesting.roots.has(key) || read.has(key)) out.push({ file: input.file, key, explicit: input.explicit });
      }
      for (const root of read) for (const c of createdUnder(root)) out.push({ file: c.file, key: c.key, explicit: explicit.get(resolve(c.file)) ?? false });
      return out;
    },
  };
}
