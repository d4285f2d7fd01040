/**
 * AWS Config's batch-get-resource-config against moto's server mode (real HTTP, no mocks): moto
 * (5.2) records IAM roles and customer managed policies as Config items (its
 * Role.to_config_dict, ManagedPolicy.to_config_dict: configuration a JSON string, documents
 * URL-encoded), not Lambda functions. The roles and policies read from its Config output must be
 * the records read from its get-account-authorization-details output of the same account.
 *
 * moto writes a role's Config ARN without the role's path (`role/<name>`, where IAM's has
 * `role/service-role/<name>`): the roles here have the path `/`, so that the comparison is about
 * leastrole, not about that quirk of the emulator.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import {
  AttachRolePolicyCommand,
  CreatePolicyCommand,
  CreatePolicyVersionCommand,
  CreateRoleCommand,
  GetAccountAuthorizationDetailsCommand,
  IAMClient,
  PutRolePermissionsBoundaryCommand,
  PutRolePolicyCommand,
} from "@aws-sdk/client-iam";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readSources } from "../../src/sources/read-sources.js";
import { startMoto, TEST_CREDENTIALS, type MotoServer } from "../collect/support/moto.js";
import { outDirs } from "../collect/support/out-dirs.js";

let moto: MotoServer;
const { outDir, removeAll } = outDirs("leastrole-config-moto-");

const trust = { Version: "2012-10-17", Statement: [{ Effect: "Allow", Principal: { Service: "lambda.amazonaws.com" }, Action: "sts:AssumeRole" }] };
let dir = "";
const roleIds: string[] = [];
const policyIds: string[] = [];

/** A Config API call as the AWS CLI makes it (JSON 1.1, target StarlingDoveService.<operation>). */
async function config(operation: string, body: unknown): Promise<unknown> {
  const response = await fetch(`${moto.endpoint}/`, {
    method: "POST",
    headers: {
      "Content-Type": "application/x-amz-json-1.1",
      "X-Amz-Target": `StarlingDoveService.${operation}`,
      // moto routes by the signature's credential scope; it does not check the signature.
      Authorization: `AWS4-HMAC-SHA256 Credential=${TEST_CREDENTIALS.accessKeyId}/20261202/us-east-1/config/aws4_request, SignedHeaders=host, Signature=00`,
    },
    body: JSON.stringify(body),
  });
  expect(response.status).toBe(200);
  return response.json();
}

beforeAll(async () => {
  moto = startMoto();
  const iam = new IAMClient({ endpoint: moto.endpoint, credentials: TEST_CREDENTIALS, region: "us-east-1" });
  const extra = await iam.send(new CreatePolicyCommand({ PolicyName: "orders-extra", PolicyDocument: JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: "s3:GetObject", Resource: "*" }] }) }));
  await iam.send(new CreatePolicyVersionCommand({ PolicyArn: extra.Policy!.Arn!, SetAsDefault: true, PolicyDocument: JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: ["secretsmanager:GetSecretValue", "kms:Decrypt"], Resource: "*" }] }) }));
  const boundary = await iam.send(new CreatePolicyCommand({ PolicyName: "boundary", PolicyDocument: JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: "*", Resource: "*" }] }) }));
  policyIds.push(extra.Policy!.PolicyId!, boundary.Policy!.PolicyId!);
  for (const RoleName of ["orders-role", "reports-role"]) {
    const r = await iam.send(new CreateRoleCommand({ RoleName, AssumeRolePolicyDocument: JSON.stringify(trust) }));
    roleIds.push(r.Role!.RoleId!);
  }
  await iam.send(new PutRolePolicyCommand({ RoleName: "orders-role", PolicyName: "dynamo", PolicyDocument: JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: "dynamodb:*", Resource: "*" }] }) }));
  await iam.send(new AttachRolePolicyCommand({ RoleName: "orders-role", PolicyArn: extra.Policy!.Arn! }));
  await iam.send(new PutRolePermissionsBoundaryCommand({ RoleName: "orders-role", PermissionsBoundary: boundary.Policy!.Arn! }));
  await iam.send(new AttachRolePolicyCommand({ RoleName: "reports-role", PolicyArn: "arn:aws:iam::aws:policy/ReadOnlyAccess" }));
  // The exports: what `aws iam get-account-authorization-details` and
  // `aws configservice batch-get-resource-config` print (the SDK's dates as ISO strings).
  dir = outDir();
  mkdirSync(dir, { recursive: true });
  const gaad = await iam.send(new GetAccountAuthorizationDetailsCommand({ Filter: ["Role", "LocalManagedPolicy"] }));
  const { $metadata, ...output } = gaad;
  void $metadata;
  writeFileSync(join(dir, "iam.json"), JSON.stringify(output));
  const keys = [...roleIds.map((resourceId) => ({ resourceType: "AWS::IAM::Role", resourceId })), ...policyIds.map((resourceId) => ({ resourceType: "AWS::IAM::Policy", resourceId }))];
  writeFileSync(join(dir, "config.json"), JSON.stringify(await config("BatchGetResourceConfig", { resourceKeys: keys })));
}, 600_000);

afterAll(() => {
  moto?.stop();
  removeAll();
});

describe("AWS Config batch-get-resource-config from moto", () => {
  it("gives the roles and customer managed policies get-account-authorization-details gives", async () => {
    const { fragments, warnings } = await readSources([join(dir, "config.json"), join(dir, "iam.json")]);
    expect(warnings).toEqual([]);
    const [fromConfig, fromIam] = [fragments.find((f) => f.source.kind === "aws-config")!, fragments.find((f) => f.source.kind === "iam-authorization-details")!];
    expect(fromConfig.warnings.filter((w) => w.severity !== "info")).toEqual([]);
    // Config's role item has no roleLastUsed worth reading (moto: null): when the role was last
    // used is unknown, not "never" as get-account-authorization-details' `RoleLastUsed: {}` says.
    expect(fromConfig.roles.map((r) => r.lastUsed)).toEqual([null, null]);
    // moto writes creation times to the microsecond; the SDK rounds them to the millisecond where
    // leastrole, reading the text, cuts them (IAM itself gives whole seconds): compared to the second.
    const toSecond = (k: string, x: unknown) => (k === "createDate" && typeof x === "string" ? x.slice(0, 19) : x);
    const strip = (v: unknown): unknown => JSON.parse(JSON.stringify(v, (k, x) => (k === "source" || k === "attachmentCount" || k === "lastUsed" ? undefined : toSecond(k, x))));
    const byArn = <T extends { arn: string }>(xs: T[]) => [...xs].sort((a, b) => (a.arn < b.arn ? -1 : 1));
    expect(fromConfig.roles.map((r) => r.name).sort()).toEqual(["orders-role", "reports-role"]);
    expect(strip(byArn(fromConfig.roles))).toEqual(strip(byArn(fromIam.roles)));
    expect(strip(byArn(fromConfig.policies))).toEqual(strip(byArn(fromIam.policies)));
    const orders = fromConfig.roles.find((r) => r.name === "orders-role")!;
    expect(orders.inlinePolicies.map((p) => p.name)).toEqual(["dynamo"]);
    expect(orders.permissionsBoundaryArn).toMatch(/:policy\/boundary$/);
  });
});
