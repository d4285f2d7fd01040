/**
 * Roles of an IAM authorization-details export (`aws iam get-account-authorization-details`), as
 * AWS writes them, for tests that run the real pipeline on an execution role's policies.
 */
import { writeFileSync } from "node:fs";
import { join } from "node:path";

export const EXPORT_ACCOUNT = "123456789012";

const lambdaTrust = { Version: "2012-10-17", Statement: [{ Effect: "Allow", Principal: { Service: "lambda.amazonaws.com" }, Action: "sts:AssumeRole" }] };

/** A role Lambda can assume, with AWS or customer managed policies, inline documents and a boundary. */
export function exportRole(name: string, options: { managed?: string[]; inline?: object[]; boundary?: string } = {}) {
  return {
    Path: "/",
    RoleName: name,
    RoleId: `AROA${name.toUpperCase().replace(/[^A-Z0-9]/g, "")}`,
    Arn: `arn:aws:iam::${EXPORT_ACCOUNT}:role/${name}`,
    CreateDate: "2026-01-01T00:00:00Z",
    AssumeRolePolicyDocument: lambdaTrust,
    InstanceProfileList: [],
    RolePolicyList: (options.inline ?? []).map((d, i) => ({ PolicyName: `inline-${i}`, PolicyDocument: d })),
    AttachedManagedPolicies: (options.managed ?? []).map((arn) => ({ PolicyName: arn.split("/").pop(), PolicyArn: arn })),
    ...(options.boundary ? { PermissionsBoundary: { PermissionsBoundaryType: "Policy", PermissionsBoundaryArn: options.boundary } } : {}),
    Tags: [],
    RoleLastUsed: {},
  };
}

/** Write an export holding these roles (and customer managed policies) in `dir`; returns its path. */
export function writeExport(dir: string, roles: unknown[], policies: unknown[] = []): string {
  const file = join(dir, `export-${Math.random().toString(36).slice(2)}.json`);
  writeFileSync(file, JSON.stringify({ UserDetailList: [], GroupDetailList: [], RoleDetailList: roles, Policies: policies }));
  return file;
}

/** A managed policy as the export lists it (`Policies[]`), its default version holding these statements. */
export function exportPolicy(arn: string, statements: object[]) {
  const name = arn.split("/").pop() as string;
  return {
    PolicyName: name,
    PolicyId: `ANPA${name.toUpperCase().replace(/[^A-Z0-9]/g, "")}`,
    Arn: arn,
    Path: "/",
    DefaultVersionId: "v1",
    AttachmentCount: 1,
    IsAttachable: true,
    PolicyVersionList: [{ VersionId: "v1", IsDefaultVersion: true, Document: { Version: "2012-10-17", Statement: statements } }],
  };
}
