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
 * Computed when the file is read, with the synthetic account it is read in (the parent's: they
 * share one, build-document.ts), so that the ARNs the parent passes are those of its own records.
 */

import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import type { LocalNesting } from "./local-nested-stacks.js";
import { nestedStackLink, templateOutputs, type CloudFormationReadOptions, type NestedStackLink } from "./read-template.js";

export interface LocalNestedOptions {
  /** A local nested stack's own options; undefined when the file is none, or its parent does not create it. */
  childOptions(file: string, syntheticAccountId?: string): CloudFormationReadOptions | undefined;
  /** What a parent template's reader is told of its local nested stacks: those read, and why others are not. */
  parentOptions(file: string, syntheticAccountId?: string): Pick<CloudFormationReadOptions, "nestedStacksRead" | "nestedStacksSkipped" | "nestedOutputs">;
  /** The template at the top of the file's chain of parents (the file itself when it is no nested stack read). */
  topOf(file: string): string;
}

/**
 * `ownOptions(file, syntheticAccountId)`: what a template that is no local nested stack is read
 * with (the caller's, its samconfig's, a CDK manifest's): a top-level parent's.
 */
export function localNestedOptions(nesting: LocalNesting, caller: CloudFormationReadOptions | undefined, ownOptions: (file: string, syntheticAccountId?: string) => CloudFormationReadOptions | undefined): LocalNestedOptions {
  const links = new Map<string, NestedStackLink | null>();
  const linkOf = (parent: string, id: string, options: CloudFormationReadOptions, syntheticAccountId: string | undefined): NestedStackLink | null => {
    const key = `${resolve(parent)}\0${id}\0${syntheticAccountId ?? ""}`;
    if (!links.has(key)) {
      let link: NestedStackLink | null;
      try {
        link = nestedStackLink(readFileSync(parent), parent, { ...options, ...(syntheticAccountId !== undefined ? { syntheticAccountId } : {}) }, id);
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
    const key = `${resolve(child)}\0${syntheticAccountId ?? ""}`;
    if (!outputs.has(key)) {
      if (computing.has(key)) return undefined;
      computing.add(key);
      let got: Record<string, string> | null = null;
      try {
        const options = childOf(child, syntheticAccountId, depth);
        const c = nesting.children.get(resolve(child));
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
  // The outputs of a template's nested stacks read: all of them, or those `ids` name.
  const outputsFrom = (file: string, ids: readonly string[] | undefined, syntheticAccountId: string | undefined, depth: number): Record<string, Record<string, string>> | undefined => {
    const entry = nesting.parents.get(resolve(file));
    if (entry === undefined || depth > 64) return undefined;
    const out: Record<string, Record<string, string>> = {};
    for (const [id, child] of entry.read) {
      if (ids !== undefined && !ids.includes(id)) continue;
      const o = outputsOf(child, syntheticAccountId, depth);
      if (o !== undefined && Object.keys(o).length > 0) out[id] = o;
    }
    return Object.keys(out).length > 0 ? out : undefined;
  };
  // The parent's options, without what it is told of its own nested stacks (which depends on this).
  const baseOf = (file: string, syntheticAccountId: string | undefined, depth: number): CloudFormationReadOptions | undefined =>
    childOf(file, syntheticAccountId, depth) ?? ownOptions(file, syntheticAccountId);
  const childOf = (file: string, syntheticAccountId: string | undefined, depth: number): CloudFormationReadOptions | undefined => {
    const c = nesting.children.get(resolve(file));
    // The chains are cut at cycles and bounded when found (local-nested-stacks.ts); this bounds them again.
    if (c === undefined || depth > 64) return undefined;
    const parent = baseOf(c.parent, syntheticAccountId, depth + 1) ?? {};
    // The outputs of the other nested stacks its parameters are given (only those: their own parameters may need this one's).
    const needs = nesting.parents.get(resolve(c.parent))?.needs[c.id];
    const passed = needs === undefined ? undefined : outputsFrom(c.parent, needs, syntheticAccountId, depth + 1);
    const link = linkOf(c.parent, c.id, passed === undefined ? parent : { ...parent, nestedOutputs: passed }, syntheticAccountId);
    if (link?.created === false) return undefined;
    const prefix = parent.namePrefix ?? parent.stackName;
    const options: CloudFormationReadOptions = { namePrefix: prefix === undefined ? c.id : `${prefix}-${c.id}`, parameters: link?.parameters ?? {} };
    const own = outputsFrom(file, undefined, syntheticAccountId, depth + 1);
    if (own !== undefined) options.nestedOutputs = own;
    if (link !== null && link.unknown.length > 0) options.unknownParameters = link.unknown;
    if (caller?.partition !== undefined) options.partition = caller.partition;
    if (parent.accountId !== undefined) options.accountId = parent.accountId;
    if (parent.region !== undefined) options.region = parent.region;
    return options;
  };
  return {
    childOptions: (file, syntheticAccountId) => childOf(file, syntheticAccountId, 0),
    parentOptions: (file, syntheticAccountId) => {
      const entry = nesting.parents.get(resolve(file));
      if (entry === undefined) return {};
      const read = entry.read.filter(([, child]) => childOf(child, syntheticAccountId, 0) !== undefined).map(([id]) => id);
      const nestedOutputs = outputsFrom(file, undefined, syntheticAccountId, 0);
      return {
        ...(read.length > 0 ? { nestedStacksRead: read } : {}),
        ...(Object.keys(entry.skipped).length > 0 ? { nestedStacksSkipped: entry.skipped } : {}),
        ...(nestedOutputs !== undefined ? { nestedOutputs } : {}),
      };
    },
    topOf: (file) => {
      let top = file;
      for (let i = 0; i < 64; i++) {
        const c = nesting.children.get(resolve(top));
        if (c === undefined || childOf(top, undefined, 0) === undefined) break;
        top = c.parent;
      }
      return top;
    },
  };
}
