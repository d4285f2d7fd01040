/**
 * LR003 on SAM policy templates, through the built CLI: CloudWatchPutMetricPolicy
 * (cloudwatch:PutMetricData on `*`) and ComprehendBasicAccessPolicy (comprehend:Detect* on `*`)
 * grant actions whose one resource type is optional and which an ordinary call does not name, so
 * `*` is the only Resource that works: not "can be scoped". DynamoDBCrudPolicy names its table (no
 * LR003), and a hand-written dynamodb:GetItem on `*` is still reported, without the PutMetricData
 * beside it.
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { packageRoot } from "../../src/evaluate/locate.js";

const cli = join(packageRoot(), "dist", "cli.js");
const work = mkdtempSync(join(tmpdir(), "lr-lr003-sam-"));
afterAll(() => rmSync(work, { recursive: true, force: true }));

const TEMPLATE = `AWSTemplateFormatVersion: "2010-09-09"
Transform: AWS::Serverless-2016-10-31
Resources:
  Orders:
    Type: AWS::DynamoDB::Table
    Properties:
      AttributeDefinitions: [{ AttributeName: id, AttributeType: S }]
      KeySchema: [{ AttributeName: id, KeyType: HASH }]
      BillingMode: PAY_PER_REQUEST
  MetricsFunction:
    Type: AWS::Serverless::Function
    Properties:
      Handler: index.handler
      Runtime: nodejs20.x
      CodeUri: src/
      Policies:
        - CloudWatchPutMetricPolicy: {}
        - ComprehendBasicAccessPolicy: {}
        - DynamoDBCrudPolicy:
            TableName: !Ref Orders
  HandWrittenFunction:
    Type: AWS::Serverless::Function
    Properties:
      Handler: index.handler
      Runtime: nodejs20.x
      CodeUri: src/
      Policies:
        - Statement:
            - Effect: Allow
              Action: [dynamodb:GetItem, cloudwatch:PutMetricData]
              Resource: "*"
`;

describe("leastrole audit: LR003 on SAM policy templates", () => {
  it("reports the hand-written GetItem on *, not CloudWatchPutMetricPolicy, ComprehendBasicAccessPolicy or DynamoDBCrudPolicy", () => {
    const file = join(work, "template.yaml");
    writeFileSync(file, TEMPLATE);
    const r = spawnSync(process.execPath, [cli, "audit", file, "--format", "json", "--quiet"], { cwd: work, encoding: "utf8", env: { ...process.env, NO_COLOR: "1" } });
    expect(r.stderr).toBe("");
    const report = JSON.parse(r.stdout) as { findings: { ruleId: string; resource: { name: string }; message: string; evidence: { actions: string[] } }[] };
    const lr003 = report.findings.filter((f) => f.ruleId === "LR003");
    expect(lr003.map((f) => [f.resource.name, f.evidence.actions])).toEqual([["HandWrittenFunctionRole", ["dynamodb:GetItem"]]]);
    expect(lr003[0]!.message).toMatch(/grants 1 action on Resource "\*" that can be scoped to specific resources \(dynamodb:GetItem\)$/);
  });
});
