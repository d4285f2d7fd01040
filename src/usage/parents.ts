/**
 * Per-parent prefixes of a capped resource sample.
 *
 * A sample keeps the 50 smallest ARNs a (session, call) used and, once more were seen, one common
 * prefix of all of them (accumulate.ts). One prefix is too coarse when the resources sit under
 * several parents: objects in two buckets share only `arn:aws:s3:::`, tables in two Regions or
 * accounts only `arn:aws:dynamodb:`, so a policy generated from it granted every bucket or every
 * table of every account. A truncated sample therefore also keeps, per parent, the common prefix
 * of the resources seen under it — up to PARENT_CAP parents; beyond that only the one prefix is
 * left, as before.
 *
 * A parent is the ARN up to and including the first `/` or `:` of its resource part
 * (`arn:aws:s3:::bucket/`, `arn:aws:dynamodb:eu-west-1:111122223333:table/`,
 * `arn:aws:lambda:us-east-1:111122223333:function:`), or its partition, service, Region and account
 * when the resource part has neither (`arn:aws:sqs:us-east-1:111122223333:`: queue names are
 * scoped by prefix within the account and Region, as `table/orders-*` is). An S3 bucket's ARN is
 * its own parent: bucket names are global, and the bucket CloudTrail lists beside each object
 * must not widen the objects' prefix (it stays a single, exact entry a grant for objects leaves
 * out by type).
 *
 * Like the sample, the parents depend only on the set of resources seen, never on file, worker or
 * merge order (test/usage/samples.property.test.ts).
 */

import type { ResourceParent } from "../model/usage.js";
import { commonPrefix } from "./resources.js";

/** Parents kept per sample; a sample whose resources fall under more keeps none (`null`). */
export const PARENT_CAP = 32;

/** The resources seen under one parent: their common prefix, or the one resource itself (`single`). */
export type ParentPrefix = ResourceParent;

/**
 * A truncated sample's parents by parent key; `null` once more than PARENT_CAP were seen. A sample
 * that is not truncated has none (`undefined`): its resources are all there, and parentsOf derives
 * them when a merge truncates it.
 */
export type Parents = Map<string, ParentPrefix> | null;

/** The parent key of an ARN (see the module comment); a string that is not an ARN is its own. */
export function parentKeyOf(arn: string): string {
  let colon = -1;
  let serviceStart = 0;
  for (let k = 0; k < 5; k++) {
    colon = arn.indexOf(":", colon + 1);
    if (colon < 0) return arn;
    if (k === 1) serviceStart = colon + 1;
  }
  const start = colon + 1;
  for (let j = start; j < arn.length; j++) {
    const c = arn.charCodeAt(j);
    if (c === 47 /* / */ || c === 58 /* : */) return arn.slice(0, j + 1);
  }
  // `arn:aws:s3:::bucket`: the bucket is its own parent (start - serviceStart is "s3:::".length).
  if (start - serviceStart === 5 && arn.startsWith("s3:", serviceStart)) return arn;
  return arn.slice(0, start);
}

/**
 * Note one more resource in `parents` (changed in place); the result is `null` once the resources
 * fall under more than PARENT_CAP parents.
 */
export function addParent(parents: Parents, arn: string): Parents {
  if (parents === null) return null;
  const key = parentKeyOf(arn);
  const p = parents.get(key);
  if (p === undefined) {
    if (parents.size >= PARENT_CAP) return null;
    parents.set(key, { prefix: arn, single: true });
    return parents;
  }
  if (p.single) {
    if (arn !== p.prefix) {
      p.prefix = commonPrefix(p.prefix, arn);
      p.single = false;
    }
  } else if (!arn.startsWith(p.prefix)) {
    p.prefix = commonPrefix(p.prefix, arn);
  }
  return parents;
}

/** The parents of every resource given (a complete sample's resources). */
export function parentsOf(resources: Iterable<string>): Parents {
  let parents: Parents = new Map();
  for (const r of resources) {
    parents = addParent(parents, r);
    if (parents === null) return null;
  }
  return parents;
}

/** Parents of two samples' resources together; neither argument is changed. */
export function unionParents(a: Parents, b: Parents): Parents {
  if (a === null || b === null) return null;
  const out: Map<string, ParentPrefix> = new Map();
  for (const [k, p] of a) out.set(k, { prefix: p.prefix, single: p.single });
  for (const [k, p] of b) {
    const q = out.get(k);
    if (q === undefined) {
      if (out.size >= PARENT_CAP) return null;
      out.set(k, { prefix: p.prefix, single: p.single });
    } else if (q.prefix !== p.prefix || !q.single || !p.single) {
      const prefix = commonPrefix(q.prefix, p.prefix);
      // Two single entries of one key are one resource only when they are the same.
      q.single = q.single && p.single && q.prefix === p.prefix;
      q.prefix = prefix;
    }
  }
  return out;
}

/** The parents as the canonical document writes them: sorted by prefix. */
export function parentList(parents: Parents): ParentPrefix[] | undefined {
  if (parents === null) return undefined;
  return [...parents.values()].map((p) => ({ prefix: p.prefix, single: p.single })).sort((x, y) => (x.prefix < y.prefix ? -1 : x.prefix > y.prefix ? 1 : 0));
}

/** The parents of a list as the document writes them, keyed again (generate merges documents' samples). */
export function parentsFromList(list: readonly ParentPrefix[]): Parents {
  let out: Parents = new Map();
  for (const p of list) {
    const one: Parents = new Map([[parentKeyOf(p.prefix), { prefix: p.prefix, single: p.single }]]);
    out = unionParents(out, one);
    if (out === null) return null;
  }
  return out;
}

