/**
 * Event source mappings whose source or secret the same plan creates (a real plan:
 * test/iac/fixtures/terraform-esm-unknown-sources). Before, a Kinesis enhanced fan-out consumer
 * (`event_source_arn = aws_kinesis_stream_consumer.c.arn`) was read as an event source of kind
 * "other", and a BASIC_AUTH secret (`uri = aws_secretsmanager_secret.s.arn`) was dropped: audit
 * required neither the stream's permissions nor secretsmanager:GetSecretValue, and generate left
 * them out of the policy.
 */
import { spawnSync } from "node:child_process";
import { copyFileSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { packageRoot } from "../../src/evaluate/locate.js";

const cli = join(packageRoot(), "dist", "cli.js");
const plan = join(packageRoot(), "test", "iac", "fixtures", "terraform-esm-unknown-sources", "plan.json");

function run(...args: string[]): string {
  const r = spawnSync(process.execPath, [cli, ...args, "--quiet"], { encoding: "utf8", maxBuffer: 1 << 26 });
  expect(r.status).toBe(0);
  return r.stdout;
}

describe("event source mappings whose consumer or secret the plan creates", () => {
  it("audit requires the consumer's stream permissions and each mapping's secret", () => {
    const report = JSON.parse(run("audit", plan, "--format", "json")) as { findings: Array<{ ruleId: string; message: string }> };
    expect(report.findings.map((f) => `${f.ruleId} ${f.message}`).sort()).toEqual([
      "LR010 Function aws_lambda_function.f: its execution role cannot use its event source arn:aws:kinesis:us-east-1:unknown:stream/esm-stream/consumer/esm-consumer:${aws_kinesis_stream_consumer.c.creation_timestamp} (missing kinesis:DescribeStream, kinesis:DescribeStreamConsumer, kinesis:DescribeStreamSummary, kinesis:GetRecords, kinesis:GetShardIterator, kinesis:ListShards, kinesis:SubscribeToShard)",
      "LR010 Function aws_lambda_function.f: its execution role cannot use its event source arn:aws:mq:us-east-1:123456789012:broker:esm-broker:b-1234a5b6-78cd-901e-2fgh-3i45j6k178l9 (missing ec2:CreateNetworkInterface, ec2:DeleteNetworkInterface, ec2:DescribeNetworkInterfaces, ec2:DescribeSecurityGroups, ec2:DescribeSubnets, ec2:DescribeVpcs, mq:DescribeBroker)",
      "LR010 Function aws_lambda_function.f: its execution role cannot use its secret arn:aws:secretsmanager:us-east-1:unknown:secret:esm-kafka-?????? of its event source arn:aws:mq:us-east-1:123456789012:broker:esm-broker:b-1234a5b6-78cd-901e-2fgh-3i45j6k178l9 (missing secretsmanager:GetSecretValue)",
      "LR010 Function aws_lambda_function.f: its execution role cannot use its secret arn:aws:secretsmanager:us-east-1:unknown:secret:esm-kafka-?????? of its event source self-managed-kafka:unknown (missing secretsmanager:GetSecretValue)",
    ]);
  });

  it("generate grants GetSecretValue on the secret and the fan-out actions on the consumer", () => {
    const out = JSON.parse(run("generate", plan, "--format", "json")) as Array<{ policy: { Statement: Array<{ Action: string[]; Resource: string[] }> } }>;
    const grants = out.flatMap((t) => t.policy.Statement.flatMap((s) => s.Action.map((a) => `${a} ${s.Resource.join(",")}`)));
    expect(grants).toContain("secretsmanager:GetSecretValue arn:aws:secretsmanager:us-east-1:unknown:secret:esm-kafka-??????");
    expect(grants).toContain("kinesis:SubscribeToShard arn:aws:kinesis:us-east-1:unknown:stream/esm-stream/consumer/esm-consumer:${aws_kinesis_stream_consumer.c.creation_timestamp}");
  });

  it("reads the same from the plan alone, without its .tf files", () => {
    const dir = mkdtempSync(join(tmpdir(), "leastrole-esm-"));
    try {
      copyFileSync(plan, join(dir, "plan.json"));
      const report = JSON.parse(run("audit", join(dir, "plan.json"), "--format", "json")) as { findings: Array<{ ruleId: string; message: string }> };
      const messages = report.findings.map((f) => f.message);
      expect(messages).toContain(
        "Function aws_lambda_function.f: its execution role cannot use its event source arn:aws:kinesis:us-east-1:unknown:stream/esm-stream/consumer/esm-consumer:${aws_kinesis_stream_consumer.c.creation_timestamp} (missing kinesis:DescribeStream, kinesis:DescribeStreamConsumer, kinesis:DescribeStreamSummary, kinesis:GetRecords, kinesis:GetShardIterator, kinesis:ListShards, kinesis:SubscribeToShard)",
      );
      expect(messages.filter((m) => m.includes("(missing secretsmanager:GetSecretValue)"))).toHaveLength(2);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
