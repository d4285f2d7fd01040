/**
 * collect reads each region's AWS Config rules (DescribeConfigRules), which audit reads to know
 * the functions a CUSTOM_LAMBDA rule runs (src/sources/aws-config-rules.ts: they report with
 * config:PutEvaluations, LR010). Before, collect never fetched them: a collected account's Config
 * rule evaluators were audited as if no rule ran them.
 *
 * moto's server mode (5.2) serves PutConfigRule (a CUSTOM_LAMBDA rule's function must exist in
 * its Lambda backend) and DescribeConfigRules, 25 rules a page with a NextToken
 * (moto/config/models.py, CONFIG_RULE_PAGE_SIZE), as AWS Config's API Reference describes it
 * (https://docs.aws.amazon.com/config/latest/APIReference/API_DescribeConfigRules.html:
 * `{ConfigRules: [...], NextToken?}`). A denial is injected by the fault proxy in front of it.
 */

import { CreateRoleCommand, IAMClient } from "@aws-sdk/client-iam";
import { ConfigServiceClient, PutConfigRuleCommand } from "@aws-sdk/client-config-service";
import { CreateFunctionCommand, LambdaClient } from "@aws-sdk/client-lambda";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildDocument } from "../../src/audit/build-document.js";
import { collect } from "../../src/collect/index.js";
import { startFaultProxy, type Answer } from "./support/fault-proxy.js";
import { startMoto, TEST_CREDENTIALS, type MotoServer } from "./support/moto.js";
import { json, outDirs } from "./support/out-dirs.js";
import { ACCOUNT } from "./support/seed.js";
import { zipOf } from "./support/zip.js";

let moto: MotoServer;
const { outDir, removeAll } = outDirs("leastrole-collect-config-rules-");
const FILE = "config/us-east-1/describe-config-rules.json";
const FUNCTION_ARN = `arn:aws:lambda:us-east-1:${ACCOUNT}:function:evaluator`;
/** More than one of moto's pages (25 rules), in an order that is not the names' order. */
const RULES = Array.from({ length: 27 }, (_, i) => `rule-${String(26 - i).padStart(2, "0")}`);

beforeAll(async () => {
  moto = startMoto();
  const common = { endpoint: moto.endpoint, credentials: TEST_CREDENTIALS, region: "us-east-1" };
  const iam = new IAMClient(common);
  const lambda = new LambdaClient(common);
  const config = new ConfigServiceClient(common);
  try {
    const role = await iam.send(
      new CreateRoleCommand({ RoleName: "evaluator-role", AssumeRolePolicyDocument: JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Principal: { Service: "lambda.amazonaws.com" }, Action: "sts:AssumeRole" }] }) }),
    );
    await lambda.send(
      new CreateFunctionCommand({ FunctionName: "evaluator", Runtime: "python3.12", Handler: "index.handler", Role: role.Role?.Arn, Code: { ZipFile: zipOf({ "index.py": "def handler(e, c):\n    return None\n" }) } }),
    );
    for (const name of RULES) {
      await config.send(
        new PutConfigRuleCommand({
          ConfigRule: {
            ConfigRuleName: name,
            Source: { Owner: "CUSTOM_LAMBDA", SourceIdentifier: FUNCTION_ARN, SourceDetails: [{ EventSource: "aws.config", MessageType: "ConfigurationItemChangeNotification" }] },
            Scope: { ComplianceResourceTypes: ["AWS::S3::Bucket"] },
          },
        }),
      );
    }
  } finally {
    iam.destroy();
    lambda.destroy();
    config.destroy();
  }
});

afterAll(() => {
  moto?.stop();
  removeAll();
});

describe("collect: AWS Config rules", () => {
  it("writes every page of the region's rules as one describe-config-rules file, sorted, which audit reads as the evaluator's rules", async () => {
    const out = outDir();
    const { manifest } = await collect({ endpoint: moto.endpoint, credentials: TEST_CREDENTIALS, throttleBaseMs: 1, out, regions: ["us-east-1"] });
    const call = manifest.calls.find((c) => c.id === "us-east-1/config:DescribeConfigRules");
    expect(call).toMatchObject({ status: "ok", count: RULES.length, files: [FILE] });
    const written = json(out, FILE) as { ConfigRules: Array<{ ConfigRuleName: string; Source: { Owner: string } }>; NextToken?: string };
    expect(written.NextToken).toBeUndefined();
    expect(written.ConfigRules.map((r) => r.ConfigRuleName)).toEqual([...RULES].sort());
    expect(written.ConfigRules.every((r) => r.Source.Owner === "CUSTOM_LAMBDA")).toBe(true);
    const document = await buildDocument([out]);
    const fn = document.functions.find((f) => f.arn === FUNCTION_ARN);
    expect(fn?.configRules).toEqual([...RULES].sort());
  });

  it("a denied DescribeConfigRules makes the collection partial, naming the call, and writes no file", async () => {
    const denied: Answer = {
      status: 400,
      headers: { "content-type": "application/x-amz-json-1.1" },
      body: JSON.stringify({ __type: "AccessDeniedException", message: "User: arn:aws:sts::123456789012:assumed-role/audit/x is not authorized to perform: config:DescribeConfigRules" }),
    };
    const proxy = await startFaultProxy(moto.endpoint, [{ match: /^config\/us-east-1 POST /, times: Infinity, fault: () => denied }]);
    try {
      const out = outDir();
      const { manifest } = await collect({ endpoint: proxy.endpoint, credentials: TEST_CREDENTIALS, throttleBaseMs: 1, maxAttempts: 1, out, regions: ["us-east-1"] });
      expect(manifest.calls.find((c) => c.id === "us-east-1/config:DescribeConfigRules")).toMatchObject({ status: "failed", errorCode: "AccessDeniedException", files: [] });
      expect(manifest.partial).toBe(true);
      expect(manifest.reasons.some((r) => r.startsWith("config:DescribeConfigRules in us-east-1 failed: AccessDeniedException"))).toBe(true);
      expect(existsSync(join(out, FILE))).toBe(false);
    } finally {
      await proxy.close();
    }
  });
});
