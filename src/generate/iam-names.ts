/**
 * IAM users, groups and roles called by name, resolved to their ARNs.
 *
 * A call on an existing user, group or role names it without its path (GetRole, AttachRolePolicy,
 * CreateAccessKey …), and its ARN holds the path (`role/service-role/<name>`). The usage stage,
 * which reads CloudTrail alone, counts such a call on two patterns that match that entity under any
 * path and no other: `<type>/<name>` and `<type>/` `*` `/<name>` (src/usage/resources.ts iamArns).
 * When the document holds the entity (the account's IAM export, a template or plan that defines
 * it), generate grants its own ARN in their place, which names it exactly. This is done here, not
 * in the usage stage, so the usage stays what CloudTrail says whatever else is read beside it, and
 * so every reader (the two scanners, the full parser, the Athena and Lake rows) needs no IAM data.
 *
 * A name held by entities at different ARNs (a template's role under another path than the export's)
 * or in no input keeps its two patterns: either is sound, the pattern never names another entity.
 * Names are matched as written: IAM compares the names in a Resource case-sensitively (IAM user
 * guide, "IAM JSON policy elements: Resource"), so `etl` is not resolved to a role `ETL`.
 */

import type { CanonicalDocument } from "../model/document.js";
import type { ActionUsage, PrincipalUsage, ResourceSample } from "../model/usage.js";
import { IAM_NAME_SOURCE } from "../usage/resources.js";

/** The usage stage's any-path pattern: `arn:<partition>:iam::<account>:<type>/` `*` `/<name>`. */
const BY_NAME_ANY_PATH = new RegExp(`^(arn:[^:]+:iam::\\d{12}:(user|group|role)/)\\*/(${IAM_NAME_SOURCE})$`);

/** An entity's ARN: `arn:<partition>:iam::<account>:<type>/<path><name>`, no wildcard. */
const ENTITY_ARN = new RegExp(`^(arn:[^:]+:iam::\\d{12}:(user|group|role)/)(?:[\\u0021-\\u007e]*/)?(${IAM_NAME_SOURCE})$`);

/** By `<partition, account and type head>/<name>`: the entity's ARN, or null when several ARNs hold that name. */
export type IamNameIndex = ReadonlyMap<string, string | null>;

/** The users, groups and roles of the document by partition, account, type and name. */
export function iamNameIndex(document: CanonicalDocument): IamNameIndex {
  const index = new Map<string, string | null>();
  const add = (arn: string): void => {
    const m = ENTITY_ARN.exec(arn);
    if (m === null || /[*?$]/.test(arn)) return;
    const key = `${m[1] as string}${m[3] as string}`;
    const had = index.get(key);
    index.set(key, had === undefined || had === arn ? arn : null);
  };
  for (const r of document.roles) add(r.arn);
  for (const p of document.principals) add(p.arn);
  return index;
}

/** The resources of a sample with each resolved name's two patterns replaced by the entity's ARN; the same array when none is. */
function resolved(resources: string[], index: IamNameIndex): string[] {
  let out: Set<string> | null = null;
  for (const r of resources) {
    const m = BY_NAME_ANY_PATH.exec(r);
    if (m === null) continue;
    const root = `${m[1] as string}${m[3] as string}`;
    const arn = index.get(root);
    if (arn === undefined || arn === null) continue;
    out ??= new Set(resources);
    out.delete(r);
    // The root path's pattern is the same call's (the usage stage writes the two together), and no
    // entity of that name is at the root path when the document has it under another.
    out.delete(root);
    out.add(arn);
  }
  return out === null ? resources : [...out].sort();
}

function resolvedSample<T extends ResourceSample>(s: T, index: IamNameIndex): T {
  // A truncated sample is scoped by the prefix of every resource seen, which covers the patterns.
  if (s.resourcesTruncated) return s;
  const resources = resolved(s.resources, index);
  return resources === s.resources ? s : { ...s, resources };
}

/** Each action's resources (and its authorised calls') with the names the document holds resolved. */
export function resolveIamNames(actions: ActionUsage[], index: IamNameIndex): ActionUsage[] {
  if (index.size === 0) return actions;
  return actions.map((a) => {
    if (!a.action.toLowerCase().startsWith("iam:")) return a;
    const out = resolvedSample(a, index);
    if (a.authorized === undefined) return out;
    const authorized = resolvedSample(a.authorized, index);
    return authorized === a.authorized ? out : { ...out, authorized };
  });
}

/** A session with its actions' names resolved (resolveIamNames). */
export function resolveSessionIamNames(s: PrincipalUsage, index: IamNameIndex): PrincipalUsage {
  return index.size === 0 ? s : { ...s, actions: resolveIamNames(s.actions, index) };
}

/** The role's name from its ARN; null when it is not a role ARN (a placeholder, another resource's ARN). */
export function roleNameOf(roleArn: string): string | null {
  const m = /^arn:[^:]+:iam::[^:]*:role\/(?:.*\/)?([\w+=,.@-]{1,64})$/.exec(roleArn);
  return m ? (m[1] as string) : null;
}
