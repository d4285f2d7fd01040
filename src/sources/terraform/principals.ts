/**
 * IAM users and groups of a Terraform plan (the canonical document's `principals`): who could
 * pass or assume a Lambda role matters to the rules, and the plan is where a new user with
 * `iam:PassRole` shows up first. Same conventions as roles: synthetic ARNs while the real ones are
 * unknown, links through configuration references, unknown policies reported and marked.
 */

import type { PrincipalRecord } from "../types.js";
import { childPath } from "../cloudformation/located.js";
import { normalisePath, splitIamArn } from "../cloudformation/lambda-shapes.js";
import { resolveExpression, targetOf, configExpression, type TfResource } from "./plan-index.js";
import type { PlanReader } from "./read-plan.js";
import { stringMap, strings } from "./values.js";

export interface PrincipalBuild {
  resource: TfResource;
  record: PrincipalRecord;
}

function principalArn(reader: PlanReader, r: TfResource, type: "user" | "group", path: string, name: string): string {
  return `arn:${reader.ctx.partition}:iam::${reader.ctxOf(r).accountId}:${type}${normalisePath(path)}${name}`;
}

export function readPrincipal(reader: PlanReader, r: TfResource, type: "user" | "group"): void {
  const name = reader.knownString(r, "name") ?? r.address;
  const path = normalisePath(reader.knownString(r, "path"));
  const arn = reader.knownString(r, "arn") ?? principalArn(reader, r, type, path, name);
  const boundary = type === "user" ? reader.stringOrPlaceholder(r, "permissions_boundary")?.value ?? null : null;
  reader.principals.set(r.address, {
    resource: r,
    record: {
      arn,
      type,
      name,
      accountId: splitIamArn(arn)?.accountId ?? reader.ctxOf(r).accountId,
      inlinePolicies: [],
      attachedPolicies: [],
      groups: [],
      permissionsBoundaryArn: boundary,
      tags: stringMap(reader.known(r, "tags_all")) ?? stringMap(reader.known(r, "tags")) ?? {},
      source: reader.location(r),
    },
  });
}

/** The user or group an attribute names: by name or ARN when known, else through its reference. */
function principalFor(reader: PlanReader, r: TfResource, attr: string, type: "user" | "group", value: unknown = reader.known(r, attr), exprPath: (string | number)[] = [attr]): PrincipalBuild | string {
  if (typeof value === "string" && value !== "") {
    const ofType = [...reader.principals.values()].filter((p) => p.record.type === type);
    // By name only within r's account (PlanReader.ofAccount), as roles.
    const found = ofType.find((p) => p.record.arn === value) ?? reader.ofAccount(r, ofType.filter((p) => p.record.name === value))[0];
    return found ?? value;
  }
  const res = resolveExpression(reader.index, r.modulePath, configExpression(reader.index, r, ...exprPath));
  const target = targetOf(reader.index, res, r);
  const found = target ? reader.principals.get(target.address) : undefined;
  if (found) return found;
  return res?.kind === "resource" ? `\${${res.configAddress}}` : `\${${r.address}.${attr}}`;
}

function external(reader: PlanReader, r: TfResource, type: string, name: string): void {
  reader.warn("terraform-external-principal", "warning", `${r.address} changes the policies of ${type} ${name}, which this plan does not define: the change is not attributed`, r.jsonPath);
}

/** aws_iam_user_policy / aws_iam_group_policy. */
export function readPrincipalPolicy(reader: PlanReader, r: TfResource, type: "user" | "group"): void {
  const target = principalFor(reader, r, type, type);
  if (typeof target === "string") return external(reader, r, type, target);
  const name = reader.knownString(r, "name") ?? r.address;
  const document = reader.documentOf(r, "policy", reader.known(r, "policy"), ["policy"], childPath(reader.valuesPath(r), "policy"));
  if (!document) {
    reader.incomplete.add(target.record.arn);
    return;
  }
  target.record.inlinePolicies = target.record.inlinePolicies.filter((p) => p.name !== name);
  target.record.inlinePolicies.push({ name, document, source: reader.location(r, "policy") });
}

/** aws_iam_user_policy_attachment / aws_iam_group_policy_attachment. */
export function readPrincipalAttachment(reader: PlanReader, r: TfResource, type: "user" | "group"): void {
  const target = principalFor(reader, r, type, type);
  const arn = reader.stringOrPlaceholder(r, "policy_arn")?.value;
  if (!arn) return;
  if (typeof target === "string") return external(reader, r, type, target);
  if (!target.record.attachedPolicies.some((p) => p.arn === arn)) target.record.attachedPolicies.push({ arn, name: arn.slice(arn.lastIndexOf("/") + 1) });
}

/** aws_iam_user_group_membership (one user, many groups) and aws_iam_group_membership (one group, many users). */
export function readMembership(reader: PlanReader, r: TfResource, kind: "user-groups" | "group-users"): void {
  if (kind === "user-groups") {
    const user = principalFor(reader, r, "user", "user");
    if (typeof user === "string") return;
    for (const g of strings(reader.known(r, "groups"))) if (!user.record.groups.includes(g)) user.record.groups.push(g);
    return;
  }
  const group = principalFor(reader, r, "group", "group");
  const groupName = typeof group === "string" ? group : group.record.name;
  for (const u of strings(reader.known(r, "users"))) {
    const user = principalFor(reader, r, "users", "user", u, []);
    if (typeof user !== "string" && !user.record.groups.includes(groupName)) user.record.groups.push(groupName);
  }
}
