/**
 * Stacks of one CDK app that use each other's resources, as `cdk synth` writes them
 * (test/iac/fixtures/cdk-cross-stack, real aws-cdk-lib 2.276.0 output): `Fn::ImportValue` of
 * another stack's export, and the parameters a parent passes its nested stack. Each is read as
 * the value the other template exports or passes, in the account and region the manifest gives.
 */
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { buildDocument } from "../../src/audit/build-document.js";
import { packageRoot } from "../../src/evaluate/locate.js";

const dir = join(packageRoot(), "test", "iac", "fixtures", "cdk-cross-stack", "cdk.out");

describe("references between the stacks of a CDK assembly", () => {
  it("an imported queue, stream, table stream and role are what the exporting stack made; a nested stack's parameters what its parent passed", async () => {
    const doc = await buildDocument([dir], { workers: 1 });
    const of = (prefix: string) => doc.functions.find((f) => f.name.startsWith(prefix));
    const trigger = (prefix: string) => of(prefix)?.triggers.map((t) => [t.kind, t.eventSourceArn]);
    const ARN = "arn:aws:%s:eu-west-1:111122223333:";
    const arn = (service: string, rest: string) => ARN.replace("%s", service) + rest;
    // The other stack's resources are named by their construct (Data/Orders), not by logical IDs
    // the importing template does not have.
    expect(trigger("Compute-OrderWorker")).toEqual([["sqs", arn("sqs", "${Data/Orders.QueueName}")]]);
    expect(trigger("Compute-ClickReader")).toEqual([["kinesis", arn("kinesis", "stream/${Data/Clicks}")]]);
    // A DynamoDB stream ARN is table/<table>/stream/<label>; the label is known once deployed.
    // Before: table/${CartsEE95721F}/stream/${CartsEE95721F.StreamArn}, an ARN inside an ARN.
    expect(trigger("Compute-CartWatcher")).toEqual([["dynamodb", arn("dynamodb", "table/${Data/Carts}/stream/*")]]);
    // The nested stack's worker polls the queue its parent passed down.
    expect(trigger("Compute-ReportsNestedStackReportsN-ReportWorker")).toEqual([["sqs", arn("sqs", "${Data/Orders.QueueName}")]]);
    // The role of the data stack, read from that stack: one role for two functions (LR001's case).
    const shared = "arn:aws:iam::111122223333:role/Data-SharedDACC02AA";
    expect(of("Compute-Notifier")?.roleArn).toBe(shared);
    expect(of("Compute-ReportsNestedStackReportsNest-Publisher")?.roleArn).toBe(shared);
    expect(doc.roles.some((r) => r.arn === shared)).toBe(true);
    // The poll permissions are required of the worker's role. CDK granted them on the same import,
    // which names the queue only once deployed: conditional, never missing.
    const needs = of("Compute-OrderWorker")?.analysis?.requirements.filter((r) => r.purpose === "trigger").map((r) => [r.action, r.decision]);
    expect(needs).toEqual([
      ["sqs:DeleteMessage", "conditional"],
      ["sqs:GetQueueAttributes", "conditional"],
      ["sqs:ReceiveMessage", "conditional"],
    ]);
    expect(JSON.stringify(doc.functions)).not.toContain("ImportValue");
  });

  it("generate --format cloudformation writes another stack's resources as text to replace, never as Fn::Sub of its logical IDs", () => {
    const r = spawnSync(process.execPath, [join(packageRoot(), "dist", "cli.js"), "generate", dir, "--format", "cloudformation"], { encoding: "utf8", maxBuffer: 1 << 26 });
    expect(r.status, r.stderr).toBe(0);
    // Data's logical IDs, which Compute's template does not define: CloudFormation refuses a Fn::Sub
    // naming them ("Unresolved resource dependencies"). Before, each imported stream and queue was one.
    const data = JSON.parse(readFileSync(join(dir, "Data.template.json"), "utf8")) as { Resources: Record<string, unknown> };
    const subs = [...r.stdout.matchAll(/Fn::Sub: (.*)$/gm)].map((m) => m[1] as string);
    for (const id of Object.keys(data.Resources)) expect(subs.filter((s) => s.includes(`\${${id}`))).toEqual([]);
    expect(r.stdout).toMatch(/^ {18}- arn:aws:dynamodb:eu-west-1:111122223333:table\/\$\{Data\/Carts\}\/stream\/\*$/m);
    expect(r.stdout).toMatch(/^ {18}- arn:aws:kinesis:eu-west-1:111122223333:stream\/\$\{Data\/Clicks\}$/m);
    // Said, so it is replaced before deploying.
    expect(r.stdout).toContain("warning (unresolved-references)");
  });
});
