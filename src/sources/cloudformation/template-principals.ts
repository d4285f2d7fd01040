/**
 * IAM users and groups of a template (the canonical document's `principals`): who could pass or
 * assume a Lambda role. AWS::IAM::User / Group with their inline and managed policies, group
 * memberships (`Groups`, AWS::IAM::UserToGroupAddition), and AWS::IAM::Policy / ManagedPolicy
 * attached through `Users` / `Groups`.
 */

import type { PrincipalRecord } from "../types.js";
import { isRecord, normalisePath } from "./lambda-shapes.js";
import { childPath } from "./located.js";
import type { SamResource } from "./sam.js";
import type { TemplateReader } from "./read-template.js";

const TYPE_OF: Record<string, "user" | "group"> = { "AWS::IAM::User": "user", "AWS::IAM::Group": "group" };

export function readPrincipal(reader: TemplateReader, id: string, r: SamResource): void {
  const type = TYPE_OF[r.Type];
  if (!type) return;
  const name = reader.fixedName(r, type === "user" ? "UserName" : "GroupName") ?? reader.generatedName(id);
  const path = normalisePath(reader.fixedName(r, "Path"));
  const arn = `arn:${reader.ctx.partition}:iam::${reader.ctx.accountId}:${type}${path}${name}`;
  const props = childPath(r.sourcePath, "Properties");
  const record: PrincipalRecord = {
    arn,
    type,
    name,
    accountId: reader.ctx.accountId,
    inlinePolicies: [],
    attachedPolicies: [],
    groups: [],
    permissionsBoundaryArn: type === "user" ? (reader.propString(r, "PermissionsBoundary") ?? null) : null,
    tags: {},
    source: reader.location(r.sourcePath, id),
  };
  reader.resolveShallowList(r.Properties.Policies).forEach(({ value: p, index }) => {
    if (!isRecord(p)) return;
    const pname = reader.resolver.str(p.PolicyName);
    const path = childPath(childPath(props, "Policies"), index);
    const doc = reader.document(p.PolicyDocument, childPath(path, "PolicyDocument"), arn, "inline", pname);
    if (doc) record.inlinePolicies.push({ name: pname, document: doc, source: reader.location(path, `${id}.Policies.${pname}`) });
  });
  for (const { value } of reader.resolveShallowList(r.Properties.ManagedPolicyArns)) {
    const a = reader.resolver.str(value);
    if (a && !record.attachedPolicies.some((x) => x.arn === a)) record.attachedPolicies.push({ arn: a, name: a.slice(a.lastIndexOf("/") + 1) });
  }
  if (type === "user") for (const { value } of reader.resolveShallowList(r.Properties.Groups)) record.groups.push(groupName(reader, value));
  Object.assign(record.tags, reader.tagsOf(reader.prop(r, "Tags")));
  record.tags = Object.fromEntries(Object.entries(record.tags).sort(([a], [b]) => (a < b ? -1 : 1)));
  reader.principals.set(id, record);
}

/** A group named by `!Ref Group` (its name) or a literal name. */
function groupName(reader: TemplateReader, value: unknown): string {
  if (isRecord(value) && typeof value.Ref === "string") {
    const p = reader.principals.get(value.Ref);
    if (p) return p.name;
    const r = reader.resources[value.Ref];
    if (r?.Type === "AWS::IAM::Group") return reader.fixedName(r, "GroupName") ?? value.Ref;
  }
  return reader.resolver.str(value);
}

/** The principals a `Users` / `Groups` list names (by Ref or by name), and the names not in the template. */
export function principalsOf(reader: TemplateReader, list: unknown, type: "user" | "group"): { found: PrincipalRecord[]; external: string[] } {
  const found: PrincipalRecord[] = [];
  const external: string[] = [];
  for (const entry of Array.isArray(list) ? list : list === undefined ? [] : [list]) {
    if (isRecord(entry) && typeof entry.Ref === "string") {
      const p = reader.principals.get(entry.Ref);
      if (p && p.type === type) {
        found.push(p);
        continue;
      }
    }
    const name = reader.resolver.str(entry);
    const match = [...reader.principals.values()].find((p) => p.type === type && p.name === name);
    if (match) found.push(match);
    else external.push(name);
  }
  return { found, external };
}

/** AWS::IAM::UserToGroupAddition: users join a group. */
export function readUserToGroupAddition(reader: TemplateReader, _id: string, r: SamResource): void {
  const group = groupName(reader, r.Properties.GroupName);
  for (const user of principalsOf(reader, r.Properties.Users, "user").found) if (!user.groups.includes(group)) user.groups.push(group);
}
