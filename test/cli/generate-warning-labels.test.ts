/**
 * `leastrole generate` on two templates that name a function alike and say nothing of their
 * account: each gets a synthetic account (unknown-<hash>), so its ARN does not tell the user which
 * template a warning is about. stderr names the template and logical ID instead.
 */
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { packageRoot } from "../../src/evaluate/locate.js";

const cli = join(packageRoot(), "dist", "cli.js");

const template = (queue: string) => `AWSTemplateFormatVersion: "2010-09-09"
Transform: AWS::Serverless-2016-10-31
Resources:
  ConsumerFunction:
    Type: AWS::Serverless::Function
    Properties:
      Runtime: python3.12
      Handler: app.handler
      InlineCode: "def handler(event, context): pass"
      DeadLetterQueue:
        Type: SQS
        TargetArn: my-${queue}-arn
`;

describe("generate's warnings on functions of one name in two templates", () => {
  it("name each by its template and logical ID", () => {
    const dir = mkdtempSync(join(tmpdir(), "lr-gen-labels-"));
    try {
      for (const q of ["orders", "billing"]) {
        mkdirSync(join(dir, q));
        writeFileSync(join(dir, q, "template.yaml"), template(q));
      }
      const r = spawnSync(process.execPath, [cli, "generate", join(dir, "billing", "template.yaml"), join(dir, "orders", "template.yaml")], { encoding: "utf8" });
      expect(r.status, r.stderr).toBe(0);
      // The dead-letter target is a placeholder (target-not-understood), a warning of each function's own.
      const own = r.stderr.split("\n").filter((l) => l.includes("The dead-letter target my-"));
      expect(own).toHaveLength(2);
      // Before: "leastrole: warning: arn:aws:lambda:unknown:unknown-…:function:ConsumerFunction: …".
      expect(own.find((l) => l.includes("my-orders-arn"))).toContain(`leastrole: warning: ${join(dir, "orders", "template.yaml")}#ConsumerFunction: `);
      expect(own.find((l) => l.includes("my-billing-arn"))).toContain(`leastrole: warning: ${join(dir, "billing", "template.yaml")}#ConsumerFunction: `);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
