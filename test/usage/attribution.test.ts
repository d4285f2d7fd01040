/**
 * Lambda's own sessions on an execution role (awslambda_…, or invokedBy lambda.amazonaws.com) are
 * one principal per (account, role), across files and workers; function sessions and other
 * sessions of the same role stay apart. Records follow the real Invictus AssumedRole shape.
 */
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { readUsage, type UsageAggregate } from "../../src/usage/index.js";
import { isLambdaServiceSession, LAMBDA_SERVICE_SESSION } from "../../src/usage/attribution.js";
import { roleCallRecord } from "../support/cloudtrail-record.js";

const ACCT = "123456789012";
const ROLE_A = `arn:aws:iam::${ACCT}:role/service-role/orders-role`;
const ROLE_B = `arn:aws:iam::${ACCT}:role/reports-role`;

let seq = 0;
function call(roleArn: string, session: string, time: string, source: string, name: string, invokedBy?: string): object {
  seq++;
  return roleCallRecord({ account: ACCT, roleArn, session, time, source, name, seq, region: seq % 2 === 0 ? "us-east-1" : "eu-west-1", ...(invokedBy === undefined ? {} : { invokedBy }) });
}

let dir: string;
let one: UsageAggregate;
let two: UsageAggregate;
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "leastrole-attribution-"));
  const day1 = [
    call(ROLE_A, "orders-api", "2026-10-01T10:00:00Z", "dynamodb", "GetItem"),
    call(ROLE_A, "orders-worker", "2026-10-01T10:01:00Z", "sqs", "DeleteMessage"),
    call(ROLE_A, "awslambda_291_20261001000000000", "2026-10-01T09:00:00Z", "sqs", "ReceiveMessage", "lambda.amazonaws.com"),
    call(ROLE_A, "awslambda_292_20261001060000000", "2026-10-01T15:00:00Z", "sqs", "ReceiveMessage", "lambda.amazonaws.com"),
    call(ROLE_B, "awslambda_7_20261001000000000", "2026-10-01T09:30:00Z", "ec2", "CreateNetworkInterface"),
    call(ROLE_A, "i-0dbc91f429e48eeed", "2026-10-01T11:00:00Z", "s3", "ListBuckets"),
  ];
  const day2 = [
    call(ROLE_A, "awslambda_291_20261001000000000", "2026-10-02T09:00:00Z", "sqs", "ReceiveMessage", "lambda.amazonaws.com"),
    call(ROLE_A, "awslambda_310_20261002000000000", "2026-10-02T10:00:00Z", "ec2", "CreateNetworkInterface"),
    // Not named awslambda_, but Lambda made the call with the role: also Lambda's own.
    call(ROLE_A, "4f2c7a9e", "2026-10-02T11:00:00Z", "sqs", "ReceiveMessage", "lambda.amazonaws.com"),
    call(ROLE_A, "orders-api", "2026-10-02T10:00:00Z", "dynamodb", "GetItem"),
  ];
  writeFileSync(join(dir, "day1.json"), JSON.stringify({ Records: day1 }));
  writeFileSync(join(dir, "day2.json"), JSON.stringify({ Records: day2 }));
  one = await readUsage([join(dir, "day1.json"), join(dir, "day2.json")], { workers: 1 });
  two = await readUsage([join(dir, "day2.json"), join(dir, "day1.json")], { workers: 2 });
});

describe("Lambda service sessions", () => {
  it("are one session per role, with the number of STS sessions folded", () => {
    const svc = one.sessions.filter((s) => s.sessionName === LAMBDA_SERVICE_SESSION);
    // Sorted by role ARN: reports-role < service-role/orders-role.
    expect(svc.map((s) => [s.roleArn, s.sessionCount, s.invokedBy, s.regions, s.firstSeen, s.lastSeen])).toEqual([
      [ROLE_B, 1, null, ["eu-west-1"], "2026-10-01T09:30:00Z", "2026-10-01T09:30:00Z"],
      [ROLE_A, 4, "lambda.amazonaws.com", ["eu-west-1", "us-east-1"], "2026-10-01T09:00:00Z", "2026-10-02T11:00:00Z"],
    ]);
    const a = svc.find((s) => s.roleArn === ROLE_A);
    expect(a?.actions.map((x) => [x.action, x.count])).toEqual([["ec2:CreateNetworkInterface", 1], ["sqs:ReceiveMessage", 4]]);
    expect(isLambdaServiceSession(LAMBDA_SERVICE_SESSION, null)).toBe(true);
  });

  it("function sessions and other sessions of the role stay apart, one each", () => {
    const a = one.sessions.filter((s) => s.roleArn === ROLE_A).map((s) => [s.sessionName, s.sessionCount, s.actions.map((x) => `${x.action}×${x.count}`)]);
    expect(a).toEqual([
      ["awslambda_*", 4, ["ec2:CreateNetworkInterface×1", "sqs:ReceiveMessage×4"]],
      ["i-0dbc91f429e48eeed", 1, ["s3:ListAllMyBuckets×1"]],
      ["orders-api", 1, ["dynamodb:GetItem×2"]],
      ["orders-worker", 1, ["sqs:DeleteMessage×1"]],
    ]);
  });

  it("the result does not depend on file order or the number of workers", () => {
    expect(two.sessions).toEqual(one.sessions);
  });
});
