/**
 * Which roles collect asks Access Advisor about: those Lambda may assume by their trust policy, as
 * the normaliser decides it (serviceMayAssume: an explicit Deny wins over the Allow, and the Allow
 * must cover sts:AssumeRole), against moto's server mode (real HTTP, real SDK, no mocks). moto
 * implements no Access Advisor: each role asked about is recorded as a failed call naming it.
 */
import { CreateRoleCommand, DeleteRoleCommand, IAMClient } from "@aws-sdk/client-iam";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { collect } from "../../src/collect/index.js";
import { startFaultProxy } from "./support/fault-proxy.js";
import { startMoto, TEST_CREDENTIALS, type MotoServer } from "./support/moto.js";
import { outDirs } from "./support/out-dirs.js";

let moto: MotoServer;
const { outDir, removeAll } = outDirs("leastrole-access-advisor-roles-");

const allowLambda = { Effect: "Allow", Principal: { Service: "lambda.amazonaws.com" }, Action: "sts:AssumeRole" };
/** Trust policies as IAM takes them (IAM User Guide, "Policy evaluation logic": an explicit Deny overrides any Allow). */
const ROLES: Record<string, object> = {
  "fn-role": { Version: "2012-10-17", Statement: [allowLambda] },
  "edge-fn-role": { Version: "2012-10-17", Statement: [{ Effect: "Allow", Principal: { Service: ["lambda.amazonaws.com", "edgelambda.amazonaws.com"] }, Action: "sts:AssumeRole" }] },
  // Lambda is named, then denied: it cannot assume the role.
  "lambda-denied-role": { Version: "2012-10-17", Statement: [allowLambda, { Effect: "Deny", Principal: { Service: "lambda.amazonaws.com" }, Action: "sts:AssumeRole" }] },
  // A Deny of everyone: no one can.
  "everyone-denied-role": { Version: "2012-10-17", Statement: [allowLambda, { Effect: "Deny", Principal: { AWS: "*" }, Action: "sts:*" }] },
  // Lambda may only tag the session, not assume the role.
  "tag-session-only-role": { Version: "2012-10-17", Statement: [{ Effect: "Allow", Principal: { Service: "lambda.amazonaws.com" }, Action: "sts:TagSession" }] },
  // The data perimeter's Deny exempts services: Lambda still may.
  "perimeter-role": {
    Version: "2012-10-17",
    Statement: [allowLambda, { Effect: "Deny", Principal: { AWS: "*" }, Action: "sts:AssumeRole", Condition: { StringNotEqualsIfExists: { "aws:PrincipalOrgID": "o-a1b2c3d4e5" }, BoolIfExists: { "aws:PrincipalIsAWSService": "false" } } }],
  },
  "ec2-role": { Version: "2012-10-17", Statement: [{ Effect: "Allow", Principal: { Service: "ec2.amazonaws.com" }, Action: "sts:AssumeRole" }] },
};
const arns = new Map<string, string>();

beforeAll(async () => {
  moto = startMoto();
  const iam = new IAMClient({ endpoint: moto.endpoint, credentials: TEST_CREDENTIALS, region: "us-east-1" });
  for (const [RoleName, trust] of Object.entries(ROLES)) {
    const r = await iam.send(new CreateRoleCommand({ RoleName, AssumeRolePolicyDocument: JSON.stringify(trust) }));
    arns.set(RoleName, r.Role!.Arn!);
  }
});

afterAll(() => {
  moto?.stop();
  removeAll();
});

describe("collect --access-advisor", () => {
  it("asks about the roles Lambda may assume, not those whose trust policy denies it or allows it no sts:AssumeRole", async () => {
    const { manifest } = await collect({ endpoint: moto.endpoint, credentials: TEST_CREDENTIALS, throttleBaseMs: 1, out: outDir(), regions: ["us-east-1"], accessAdvisor: true, pollIntervalMs: 10 });
    const asked = manifest.calls.filter((c) => c.id.startsWith("global/iam:GetServiceLastAccessedDetails/")).map((c) => c.id.slice("global/iam:GetServiceLastAccessedDetails/".length));
    expect(asked.sort()).toEqual(["edge-fn-role", "fn-role", "perimeter-role"].map((n) => arns.get(n)!).sort());
  });

  it("a role deleted during the collection, before its report job: a note, not a reason (found by the collect sweep: the collection was partial)", async () => {
    // IAM answers GenerateServiceLastAccessedDetails for a role that no longer exists with
    // NoSuchEntity, HTTP 404 (IAM API reference). moto implements no Access Advisor: the proxy
    // deletes the role in moto and answers as IAM does; the other roles fail as moto answers them.
    const proxy = await startFaultProxy(moto.endpoint, [
      {
        match: /^iam\/\S+ POST \/ .*Action=GenerateServiceLastAccessedDetails.*role%2Ffn-role(&|$)/,
        times: 1,
        before: async () => {
          const iam = new IAMClient({ endpoint: moto.endpoint, credentials: TEST_CREDENTIALS, region: "us-east-1" });
          try {
            await iam.send(new DeleteRoleCommand({ RoleName: "fn-role" }));
          } finally {
            iam.destroy();
          }
        },
        fault: () => ({
          status: 404,
          headers: { "content-type": "text/xml" },
          body: "<ErrorResponse><Error><Type>Sender</Type><Code>NoSuchEntity</Code><Message>The role with name fn-role cannot be found.</Message></Error><RequestId>r</RequestId></ErrorResponse>",
        }),
      },
    ]);
    try {
      const { manifest } = await collect({ endpoint: proxy.endpoint, credentials: TEST_CREDENTIALS, throttleBaseMs: 1, out: outDir(), regions: ["us-east-1"], accessAdvisor: true, pollIntervalMs: 10 });
      expect(proxy.injected).toEqual([1]);
      const arn = arns.get("fn-role")!;
      expect(manifest.notes).toContain(
        `iam:GenerateServiceLastAccessedDetails ${arn} failed: NoSuchEntity: The role with name fn-role cannot be found. (the role was deleted during the collection (GetAccountAuthorizationDetails listed it): it has no Access Advisor report)`,
      );
      expect(manifest.reasons.filter((r) => r.includes(arn))).toEqual([]);
      // The roles still there, whose reports moto cannot make, are failures as before.
      expect(manifest.reasons.filter((r) => r.startsWith("iam:GenerateServiceLastAccessedDetails"))).toHaveLength(2);
    } finally {
      await proxy.close();
    }
  });
});
