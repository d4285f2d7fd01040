/**
 * Reader for `aws lambda list-capacity-providers` (`{CapacityProviders: [...], NextMarker?}`, or
 * the AWS CLI's `NextToken` after --max-items; one or several pages) and `get-capacity-provider`
 * (`{CapacityProvider: {...}}`): the operator role of each Lambda Managed Instances capacity
 * provider (`PermissionsConfig.CapacityProviderOperatorRoleArn`, required by the API). Lambda
 * assumes that role to launch and manage the provider's instances, so the role trusts Lambda and
 * is in use though no function names it (LR016 must not call it a leftover). The list is per
 * region; the region and account come from the providers' ARNs.
 */

import { parseArn } from "./arns.js";
import { asObject, eachRecord, FileContext, isObject, isResponseMetadataKey, joinPath, optObject, optString, reqString } from "./record-reader.js";
import { regionListPages, type RegionListPage } from "./pagination.js";
import { emptyFragment, type ReaderInput, type RoleUseRecord, type SourceFragment } from "./types.js";

const isProvider = (p: unknown): boolean => isObject(p) && typeof p["CapacityProviderArn"] === "string";

export function isCapacityProvidersOutput(v: unknown): boolean {
  if (!isObject(v)) return false;
  const keys = Object.keys(v).filter((k) => !isResponseMetadataKey(k));
  // NextMarker is the API's; the AWS CLI writes its own NextToken when --max-items cut the list.
  if (Array.isArray(v["CapacityProviders"])) return keys.every((k) => k === "CapacityProviders" || k === "NextMarker" || k === "NextToken") && v["CapacityProviders"].every(isProvider);
  return keys.length === 1 && isProvider(v["CapacityProvider"]);
}

export function readCapacityProviders(input: ReaderInput): SourceFragment {
  const ctx = new FileContext(input.file);
  const fragment = emptyFragment({ path: input.file, kind: "lambda-capacity-providers", sha256: input.sha256, records: 0 });
  const uses: RoleUseRecord[] = [];
  const listPages: RegionListPage[] = [];
  const pages = input.values.flatMap((v) => (Array.isArray(v) ? v : [v]));
  pages.forEach((value, page) => {
    const base = pages.length > 1 ? `[${page}]` : "";
    const o = asObject(value, ctx, base);
    const list = Array.isArray(o["CapacityProviders"]) ? o["CapacityProviders"] : [o["CapacityProvider"]];
    const listPath = joinPath(base, Array.isArray(o["CapacityProviders"]) ? "CapacityProviders" : "CapacityProvider");
    const read = eachRecord(list, ctx, listPath, (item, path) => readProvider(item, ctx, Array.isArray(o["CapacityProviders"]) ? path : listPath));
    uses.push(...read);
    // A get-capacity-provider output (a hand-merged file) is no page of the list.
    if (Array.isArray(o["CapacityProviders"])) listPages.push({ value: o, path: base, regions: new Set(read.map((u) => parseArn(u.resource)?.region).filter((r): r is string => r !== undefined)) });
  });
  uses.sort((a, b) => (a.resource < b.resource ? -1 : a.resource > b.resource ? 1 : 0));
  if (uses.length > 0) fragment.roleUses = uses;
  const arns = uses.map((u) => parseArn(u.resource)).filter((a) => a !== null);
  const regions = new Set(arns.map((a) => a.region));
  const accounts = new Set(arns.map((a) => a.accountId));
  if (regions.size === 1) fragment.source.region = [...regions][0]!;
  if (accounts.size === 1) fragment.source.accountId = [...accounts][0]!;
  // The last page of each region's list names no NextMarker (nor the AWS CLI's NextToken): a list
  // is complete when some file holds that page.
  Object.assign(fragment, regionListPages(listPages));
  fragment.source.records = uses.length;
  fragment.warnings = ctx.warnings;
  fragment.partial = ctx.partial;
  return fragment;
}

function readProvider(item: unknown, ctx: FileContext, path: string): RoleUseRecord {
  const p = asObject(item, ctx, path);
  const resource = reqString(p, "CapacityProviderArn", ctx, path);
  const permissions = optObject(p, "PermissionsConfig", ctx, path);
  const roleArn = permissions ? optString(permissions, "CapacityProviderOperatorRoleArn", ctx, joinPath(path, "PermissionsConfig")) : null;
  if (roleArn === null) ctx.fail(joinPath(path, "PermissionsConfig"), `capacity provider ${resource} names no operator role (PermissionsConfig.CapacityProviderOperatorRoleArn)`);
  return { roleArn, kind: "capacity-provider-operator", resource };
}
