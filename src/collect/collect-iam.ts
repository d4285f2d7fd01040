/** IAM inventory: GetAccountAuthorizationDetails, all pages merged as the CLI paginator does. */

import { readFileSync } from "node:fs";
import { PageTokens } from "./all-pages.js";
import { callAws } from "./aws-call.js";
import { decodeAuthorizationDetails, type AuthorizationDetails } from "./iam-documents.js";
import type { Run } from "./run.js";
import { sortedBy } from "./shape.js";

export const AUTHORIZATION_DETAILS_FILE = "iam/get-account-authorization-details.json";

export interface RoleSummary {
  arn: string;
  name: string;
  trustPolicy: unknown;
}

type Obj = Record<string, unknown>;

export async function collectIam(run: Run, homeRegion: string): Promise<RoleSummary[] | null> {
  const { call, data } = await run.unit<Obj>({ service: "iam", operation: "GetAccountAuthorizationDetails", region: "global" }, async () => {
    const merged: Required<AuthorizationDetails> = { UserDetailList: [], GroupDetailList: [], RoleDetailList: [], Policies: [] };
    const pages = new PageTokens("GetAccountAuthorizationDetails", "Marker", "records");
    let marker: string | undefined;
    let attempts = 0;
    do {
      const { output, attempts: a } = await callAws(run.ctx, "iam:GetAccountAuthorizationDetails", homeRegion, {
        Marker: marker,
        MaxItems: 1000,
      });
      attempts += a;
      merged.UserDetailList.push(...(output.UserDetailList ?? []));
      merged.GroupDetailList.push(...(output.GroupDetailList ?? []));
      merged.RoleDetailList.push(...(output.RoleDetailList ?? []));
      merged.Policies.push(...(output.Policies ?? []));
      marker = pages.next(output.Marker, output.IsTruncated === true);
    } while (marker);
    // Cut (a page with IsTruncated and no Marker, or one already followed): the roles, users, groups
    // and policies of the pages not read are missing. The file keeps IsTruncated: true, which the
    // reader takes as pages missing (truncated-pagination: the IAM inputs are partial), as for an
    // export cut by hand; the unit is degraded, so the collection is partial.
    const cut = pages.cut === null ? null : `${pages.cut}: the export holds the ${merged.RoleDetailList.length} roles, ${merged.Policies.length} policies, ${merged.UserDetailList.length} users and ${merged.GroupDetailList.length} groups of the pages read, the others are missing`;
    const { details, problems } = decodeAuthorizationDetails({
      UserDetailList: sortedBy(merged.UserDetailList, (u) => u.Arn),
      GroupDetailList: sortedBy(merged.GroupDetailList, (g) => g.Arn),
      RoleDetailList: sortedBy(merged.RoleDetailList, (r) => r.Arn),
      Policies: sortedBy(merged.Policies, (p) => p.Arn),
    });
    const file = run.writer.writeJson(AUTHORIZATION_DETAILS_FILE, cut === null ? details : { ...details, IsTruncated: true });
    const degraded = [...(cut === null ? [] : [cut]), ...problems];
    return {
      files: [file],
      count: merged.RoleDetailList.length,
      attempts,
      data: details,
      ...(degraded.length > 0 ? { degraded: degraded.join("; ") } : {}),
    };
  });
  if (call.status !== "ok") return null;
  const details = data ?? (JSON.parse(readFileSync(run.writer.abs(AUTHORIZATION_DETAILS_FILE), "utf8")) as Obj);
  const roles = Array.isArray(details.RoleDetailList) ? (details.RoleDetailList as Obj[]) : [];
  return roles.map((r) => ({ arn: String(r.Arn), name: String(r.RoleName), trustPolicy: r.AssumeRolePolicyDocument }));
}
