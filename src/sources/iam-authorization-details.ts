/**
 * Reader for `aws iam get-account-authorization-details`: one merged output, a raw dump of several
 * pages (an array of pages, or pages concatenated in one file), from the CLI, boto3 or a non-Python
 * SDK (policy documents as objects, JSON strings or URL-encoded JSON strings). Every version of a
 * managed policy is kept; the default one (IsDefaultVersion, else DefaultVersionId) is the document.
 */

import { parsePolicyDocument } from "../iam/index.js";
import type { AttachedPolicyRef, InlinePolicy, ManagedPolicy, PolicyDocument } from "../model/document.js";
import { isAwsManagedPolicyArn, parseArn } from "./arns.js";
import {
  asObject,
  eachRecord,
  FileContext,
  isObject,
  joinPath,
  optArray,
  optObject,
  optString,
  optTimestamp,
  reqString,
  tagsFromList,
  type JsonObject,
} from "./record-reader.js";
import { emptyFragment, type Pagination, type PrincipalRecord, type ReaderInput, type RoleRecord, type SourceFragment } from "./types.js";

const LISTS = ["UserDetailList", "GroupDetailList", "RoleDetailList", "Policies"] as const;

/** A page has at least one of the four lists, and every one present is an array. */
export function isAuthorizationDetailsPage(value: unknown): value is JsonObject {
  if (!isObject(value)) return false;
  let seen = false;
  for (const key of LISTS) {
    if (key in value) {
      // An empty list written `null`, as Go's encoding/json writes a nil slice (the AWS SDK for
      // Go's output marshalled as it is); the records are read with null lists as empty too.
      if (value[key] === null) continue;
      if (!Array.isArray(value[key])) return false;
      seen = true;
    }
  }
  // Every list null: an export of nothing, still an export when it has the detail lists' names.
  if (!seen && !LISTS.slice(0, 3).some((key) => key in value && value[key] === null)) return false;
  // `aws iam list-policies` also returns {Policies: […]}, but without PolicyVersionList: not an export of documents.
  const onlyPolicies = !("UserDetailList" in value) && !("GroupDetailList" in value) && !("RoleDetailList" in value);
  const policies = value["Policies"] as unknown[] | undefined;
  if (onlyPolicies && policies && policies.length > 0 && policies.every((p) => isObject(p) && !("PolicyVersionList" in p))) return false;
  return true;
}

/** Pages of the file: one object, an array of pages, or concatenated pages; with their JSON path. */
export function authorizationDetailsPages(values: unknown[]): Array<{ page: JsonObject; path: string }> | null {
  const pages: Array<{ page: JsonObject; path: string }> = [];
  const many = values.length > 1;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    const base = many ? `[${i}]` : "";
    if (isAuthorizationDetailsPage(v)) pages.push({ page: v, path: base });
    else if (Array.isArray(v) && v.length > 0 && v.every(isAuthorizationDetailsPage)) {
      v.forEach((p, j) => pages.push({ page: p as JsonObject, path: `${base}[${j}]` }));
    } else return null;
  }
  return pages.length > 0 ? pages : null;
}

export function readAuthorizationDetails(input: ReaderInput): SourceFragment {
  const ctx = new FileContext(input.file);
  const fragment = emptyFragment({ path: input.file, kind: "iam-authorization-details", sha256: input.sha256, records: 0 });
  const pages = authorizationDetailsPages(input.values) ?? ctx.fail("", "not a get-account-authorization-details output");
  for (const { page, path } of pages) refuseDepthCut(page, path, ctx);
  const incomplete = new Set<string>();

  // Each page's account (of its roles, users, groups and customer managed policies), to judge each
  // account's export on its own last page when a loop over the accounts wrote them all in one file.
  const pageAccounts: Array<Set<string>> = [];
  for (const { page, path } of pages) {
    const roles = eachRecord(optArray(page, "RoleDetailList", ctx, path), ctx, joinPath(path, "RoleDetailList"), (v, p) => readRole(v, p, ctx, incomplete));
    const users = eachRecord(optArray(page, "UserDetailList", ctx, path), ctx, joinPath(path, "UserDetailList"), (v, p) => readUser(v, p, ctx, incomplete));
    const groups = eachRecord(optArray(page, "GroupDetailList", ctx, path), ctx, joinPath(path, "GroupDetailList"), (v, p) => readGroup(v, p, ctx, incomplete));
    const policies = eachRecord(optArray(page, "Policies", ctx, path), ctx, joinPath(path, "Policies"), (v, p) => readManagedPolicy(v, p, ctx));
    fragment.roles.push(...roles);
    fragment.principals.push(...users, ...groups);
    fragment.policies.push(...policies);
    const accounts = [...roles, ...users, ...groups].map((r) => r.accountId);
    for (const policy of policies) if (!isAwsManagedPolicyArn(policy.arn)) accounts.push(parseArn(policy.arn)?.accountId ?? "");
    pageAccounts.push(new Set(accounts.filter((a) => /^\d{12}$/.test(a))));
  }

  // The last page of a complete dump has IsTruncated false; a truncated last page means pages are
  // missing. The last page of each account's export counts: a page whose records name no account
  // (AWS managed policies only) goes on the export before it when that one said more follow.
  const last = new Map<string, Pagination>();
  let previous: { account: string; entry: Pagination } | null = null;
  pages.forEach(({ page, path }, i) => {
    const accounts = pageAccounts[i]!;
    const account: string = accounts.size === 1 ? [...accounts][0]! : accounts.size === 0 && previous?.entry.truncated ? previous.account : "";
    const entry = pageCut(page, path);
    last.set(account, entry);
    previous = { account, entry };
  });
  if (last.size === 1) fragment.pagination = [...last.values()][0]!;
  else fragment.listPages = [...last].map(([accountId, entry]) => (accountId === "" ? entry : { ...entry, accountId }));

  const account = [...fragment.roles.map((r) => r.accountId), ...fragment.principals.map((p) => p.accountId)].find((a) => /^\d{12}$/.test(a));
  if (account) fragment.source.accountId = account;
  fragment.source.records = fragment.roles.length + fragment.principals.length + fragment.policies.length;
  fragment.incompletePrincipals = [...incomplete].sort();
  fragment.warnings = ctx.warnings;
  fragment.partial = ctx.partial;
  return fragment;
}

/** The fields of a record that the API fills with lists or objects, never with a string. */
const STRUCTURED_FIELDS = [
  "RolePolicyList", "UserPolicyList", "GroupPolicyList", "AttachedManagedPolicies", "InstanceProfileList",
  "PolicyVersionList", "Tags", "RoleLastUsed", "PermissionsBoundary",
] as const;
/** What PowerShell writes for a .NET object it did not descend into: its type name (a list's, space-separated). */
const DOTNET_TYPE_NAME = /^(Amazon\.IdentityManagement\.Model\.|System\.Collections\.)[\w.`[\],]+( |$)/;

/**
 * `Get-IAMAccountAuthorizationDetail | ConvertTo-Json` without `-Depth` stops two levels down
 * (the default) and writes each object below as its .NET type name
 * (`Amazon.IdentityManagement.Model.PolicyDetail`): every role's policies, attachments and
 * boundary are gone. Read record by record, that was one "expected an array, found a string" per
 * role with nothing to say why; it is one error for the file, saying how to export it whole.
 */
function refuseDepthCut(page: JsonObject, path: string, ctx: FileContext): void {
  for (const list of LISTS) {
    const records = page[list];
    if (!Array.isArray(records)) continue;
    records.forEach((record, i) => {
      if (typeof record === "string" && DOTNET_TYPE_NAME.test(record)) depthCut(joinPath(joinPath(path, list), i), record, ctx);
      if (!isObject(record)) return;
      for (const field of STRUCTURED_FIELDS) {
        const value = record[field];
        const at = joinPath(joinPath(joinPath(path, list), i), field);
        if (typeof value === "string" && DOTNET_TYPE_NAME.test(value)) depthCut(at, value, ctx);
        if (Array.isArray(value)) value.forEach((v, j) => typeof v === "string" && DOTNET_TYPE_NAME.test(v) && depthCut(joinPath(at, j), v, ctx));
      }
    });
  }
}

function depthCut(at: string, value: string, ctx: FileContext): never {
  const name = value.split(" ")[0]!;
  return ctx.fail(
    at,
    `the .NET type name ${JSON.stringify(name)} where the export has data: PowerShell's ConvertTo-Json wrote what lay below its -Depth (2 unless given) as type names, so the policies, attachments and boundaries of this export are missing; export again with ConvertTo-Json -Depth 10`,
  );
}

/**
 * Whether a page says more pages follow. The AWS CLI drops IsTruncated and Marker from its output
 * and, when --max-items or --no-paginate cut it, writes its own NextToken instead: that says the
 * same. The API sends a Marker only when IsTruncated is true: a page that kept its Marker without
 * the flag true (a tool, or a jq filter, that dropped or defaulted it) is cut all the same.
 */
function pageCut(page: JsonObject, path: string): Pagination {
  const token = page["NextToken"];
  const marker = page["Marker"];
  if (typeof token === "string" && token !== "") return { truncated: true, path: joinPath(path, "NextToken") };
  if (page["IsTruncated"] !== true && typeof marker === "string" && marker !== "") return { truncated: true, path: joinPath(path, "Marker") };
  return { truncated: page["IsTruncated"] === true, path: joinPath(path, "IsTruncated") };
}

function location(ctx: FileContext, path: string) {
  return { file: ctx.file, line: null, address: path };
}

function accountOf(arn: string, ctx: FileContext, path: string): string {
  const parsed = parseArn(arn);
  if (!parsed || parsed.service !== "iam") ctx.fail(joinPath(path, "Arn"), `not an IAM ARN: ${arn}`);
  // Every AWS account ID has 12 digits. Another value (the AWS CLI's create-service-linked-role
  // example has `1234567890`) is no account: the record was read without a word and left out of
  // the document's accounts. It is still read, and the warning says why its account is missing.
  if (!/^\d{12}$/.test(parsed.accountId)) {
    ctx.warn("invalid-account-id", "warning", joinPath(path, "Arn"), `the account ID ${JSON.stringify(parsed.accountId)} of ${arn} is not 12 digits, as every AWS account ID is: the record is read, but not as any account's`);
  }
  return parsed.accountId;
}

export function readRole(value: unknown, path: string, ctx: FileContext, incomplete: Set<string>): RoleRecord {
  const r = asObject(value, ctx, path);
  const arn = reqString(r, "Arn", ctx, path);
  const trustPolicy = optionalPolicy(r["AssumeRolePolicyDocument"], ctx, joinPath(path, "AssumeRolePolicyDocument"));
  const inline = readInlinePolicies(r, "RolePolicyList", ctx, path, arn, incomplete);
  const lastUsedObj = optObject(r, "RoleLastUsed", ctx, path);
  let lastUsed: RoleRecord["lastUsed"] = null;
  if (lastUsedObj) {
    const lp = joinPath(path, "RoleLastUsed");
    // `{}` means "never used in the tracking period" (IAM tracks about 400 days): keep it as nulls.
    lastUsed = { date: optTimestamp(lastUsedObj, "LastUsedDate", ctx, lp), region: optString(lastUsedObj, "Region", ctx, lp) };
  }
  const createDate = optTimestamp(r, "CreateDate", ctx, path);
  // A date given but unreadable (warned by optTimestamp) leaves the role's age unknown: the usage
  // labels must not take it for a role older than the window (as they do a role without one).
  const createDateUnreadable = createDate === null && r["CreateDate"] !== undefined && r["CreateDate"] !== null && r["CreateDate"] !== "";
  return {
    arn,
    name: reqString(r, "RoleName", ctx, path),
    path: optString(r, "Path", ctx, path) ?? "/",
    roleId: optString(r, "RoleId", ctx, path),
    accountId: accountOf(arn, ctx, path),
    createDate,
    ...(createDateUnreadable ? { createDateUnreadable: true } : {}),
    trustPolicy,
    inlinePolicies: inline,
    attachedPolicies: readAttached(r, ctx, path),
    permissionsBoundaryArn: readBoundary(r, ctx, path),
    lastUsed,
    tags: tagsFromList(r["Tags"], ctx, joinPath(path, "Tags")),
    source: location(ctx, path),
  };
}

export function readUser(value: unknown, path: string, ctx: FileContext, incomplete: Set<string>): PrincipalRecord {
  const u = asObject(value, ctx, path);
  const arn = reqString(u, "Arn", ctx, path);
  const groups = optArray(u, "GroupList", ctx, path).map((g, i) => {
    if (typeof g !== "string") ctx.fail(joinPath(joinPath(path, "GroupList"), i), "expected a group name");
    return g;
  });
  return {
    arn,
    type: "user",
    name: reqString(u, "UserName", ctx, path),
    accountId: accountOf(arn, ctx, path),
    inlinePolicies: readInlinePolicies(u, "UserPolicyList", ctx, path, arn, incomplete),
    attachedPolicies: readAttached(u, ctx, path),
    groups: [...new Set(groups)].sort(),
    permissionsBoundaryArn: readBoundary(u, ctx, path),
    tags: tagsFromList(u["Tags"], ctx, joinPath(path, "Tags")),
    source: location(ctx, path),
  };
}

export function readGroup(value: unknown, path: string, ctx: FileContext, incomplete: Set<string>): PrincipalRecord {
  const g = asObject(value, ctx, path);
  const arn = reqString(g, "Arn", ctx, path);
  return {
    arn,
    type: "group",
    name: reqString(g, "GroupName", ctx, path),
    accountId: accountOf(arn, ctx, path),
    inlinePolicies: readInlinePolicies(g, "GroupPolicyList", ctx, path, arn, incomplete),
    attachedPolicies: readAttached(g, ctx, path),
    groups: [],
    permissionsBoundaryArn: null,
    tags: {},
    source: location(ctx, path),
  };
}

/** Inline policies; an invalid one is reported and the principal marked incomplete, the rest kept. */
function readInlinePolicies(o: JsonObject, key: string, ctx: FileContext, path: string, ownerArn: string, incomplete: Set<string>): InlinePolicy[] {
  const listPath = joinPath(path, key);
  const out: InlinePolicy[] = [];
  optArray(o, key, ctx, path).forEach((item, i) => {
    const p = joinPath(listPath, i);
    try {
      const detail = asObject(item, ctx, p);
      const name = reqString(detail, "PolicyName", ctx, p);
      const docPath = joinPath(p, "PolicyDocument");
      if (detail["PolicyDocument"] === undefined || detail["PolicyDocument"] === null) ctx.fail(docPath, "PolicyDocument is missing");
      out.push({ name, document: parsePolicyDocument(detail["PolicyDocument"], { file: ctx.file, path: docPath }), source: location(ctx, p) });
    } catch (error) {
      ctx.report(error);
      incomplete.add(ownerArn);
    }
  });
  return out.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

function readAttached(o: JsonObject, ctx: FileContext, path: string): AttachedPolicyRef[] {
  const listPath = joinPath(path, "AttachedManagedPolicies");
  const refs = optArray(o, "AttachedManagedPolicies", ctx, path).map((item, i) => {
    const p = joinPath(listPath, i);
    const a = asObject(item, ctx, p);
    const arn = reqString(a, "PolicyArn", ctx, p);
    return { arn, name: optString(a, "PolicyName", ctx, p) ?? arn.slice(arn.lastIndexOf("/") + 1) };
  });
  const unique = new Map(refs.map((r) => [r.arn, r]));
  return [...unique.values()].sort((a, b) => (a.arn < b.arn ? -1 : a.arn > b.arn ? 1 : 0));
}

function readBoundary(o: JsonObject, ctx: FileContext, path: string): string | null {
  const b = optObject(o, "PermissionsBoundary", ctx, path);
  return b ? optString(b, "PermissionsBoundaryArn", ctx, joinPath(path, "PermissionsBoundary")) : null;
}

function optionalPolicy(value: unknown, ctx: FileContext, path: string): PolicyDocument | null {
  if (value === undefined || value === null) return null;
  try {
    return parsePolicyDocument(value, { file: ctx.file, path });
  } catch (error) {
    ctx.report(error);
    return null;
  }
}

export function readManagedPolicy(value: unknown, path: string, ctx: FileContext): ManagedPolicy {
  const m = asObject(value, ctx, path);
  const arn = reqString(m, "Arn", ctx, path);
  const defaultVersionId = optString(m, "DefaultVersionId", ctx, path);
  const versionsPath = joinPath(path, "PolicyVersionList");
  const versions: Array<{ versionId: string; isDefault: boolean; document: PolicyDocument | null }> = [];
  let invalidDefault = false;
  optArray(m, "PolicyVersionList", ctx, path).forEach((item, i) => {
    const p = joinPath(versionsPath, i);
    const v = asObject(item, ctx, p);
    const versionId = optString(v, "VersionId", ctx, p) ?? `#${i}`;
    const isDefault = v["IsDefaultVersion"] === true || (v["IsDefaultVersion"] === undefined && versionId === defaultVersionId);
    let document: PolicyDocument | null = null;
    if (v["Document"] === undefined || v["Document"] === null) {
      ctx.warn("missing-policy-document", isDefault ? "error" : "warning", joinPath(p, "Document"), `version ${versionId} of ${arn} has no document`);
    } else {
      try {
        document = parsePolicyDocument(v["Document"], { file: ctx.file, path: joinPath(p, "Document") });
      } catch (error) {
        ctx.report(error);
      }
    }
    if (isDefault && document === null) invalidDefault = true;
    versions.push({ versionId, isDefault, document });
  });
  const defaults = versions.filter((v) => v.isDefault);
  if (defaults.length > 1) ctx.warn("several-default-versions", "warning", versionsPath, `${arn} has ${defaults.length} versions marked default; using ${defaults[0]!.versionId}`);
  const chosen = defaults[0];
  if (versions.length > 0 && !chosen) {
    ctx.warn("no-default-version", "error", versionsPath, `no version of ${arn} is marked default (DefaultVersionId ${defaultVersionId ?? "absent"})`);
  }
  const document = chosen?.document ?? null;
  const awsManaged = isAwsManagedPolicyArn(arn);
  const attachmentCount = typeof m["AttachmentCount"] === "number" ? m["AttachmentCount"] : null;
  return {
    arn,
    name: optString(m, "PolicyName", ctx, path) ?? arn.slice(arn.lastIndexOf("/") + 1),
    path: optString(m, "Path", ctx, path) ?? "/",
    awsManaged,
    defaultVersionId: chosen?.versionId ?? defaultVersionId,
    document,
    // A policy listed without a usable default document is resolved later (shipped data or unresolved).
    resolution: document !== null && !invalidDefault ? "input" : "unresolved",
    otherVersions: versions
      .filter((v) => v !== chosen && v.document !== null)
      .map((v) => ({ versionId: v.versionId, document: v.document! }))
      .sort((a, b) => compareVersionIds(a.versionId, b.versionId)),
    attachmentCount,
    source: location(ctx, path),
  };
}

/** `v2` before `v10`. */
export function compareVersionIds(a: string, b: string): number {
  const na = Number(a.replace(/^v/, ""));
  const nb = Number(b.replace(/^v/, ""));
  if (Number.isFinite(na) && Number.isFinite(nb) && na !== nb) return na - nb;
  return a < b ? -1 : a > b ? 1 : 0;
}
