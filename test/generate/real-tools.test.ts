/**
 * The CloudFormation output as the tool a user feeds it to reads it: cfn-lint (when installed;
 * `pip install cfn-lint`), on the demo account's roles as a template of their own, and on a public
 * template with the generated roles put into its `Resources` as docs/generate.md says to (the
 * output refers to the template's own resources, so it is linted there, not alone). cfn-lint must
 * find nothing in the first and nothing the template alone does not give in the second.
 * Terraform's own checks are in render.test.ts (terraform fmt and console).
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import YAML from "yaml";
import { afterAll, describe, expect, it } from "vitest";
import { buildDocument } from "../../src/audit/build-document.js";
import { runGenerate } from "../../src/generate/index.js";

const hasCfnLint = spawnSync("cfn-lint", ["--version"], { encoding: "utf8" }).status === 0;
const root = resolve(import.meta.dirname, "../..");
const dir = mkdtempSync(join(tmpdir(), "leastrole-cfn-lint-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

interface LintMatch {
  Rule: { Id: string };
  Message: string;
}

/** cfn-lint's findings on a template (JSON, so the YAML tags of the fixture need no reader here). */
function cfnLint(name: string, template: unknown): string[] {
  const file = join(dir, name);
  writeFileSync(file, JSON.stringify(template, null, 1));
  const run = spawnSync("cfn-lint", ["--format", "json", "--", file], { encoding: "utf8" });
  return (JSON.parse(run.stdout || "[]") as LintMatch[]).map((m) => `${m.Rule.Id} ${m.Message}`).sort();
}

/** CloudFormation's short-form tags as the long form, so the template parses as plain data. */
const cfnTags = ["Ref", "Sub", "GetAtt", "Join", "If", "Select", "Split", "FindInMap", "GetAZs", "ImportValue", "Equals", "Not", "And", "Or", "Base64", "Cidr", "Condition"].map((name) => ({
  tag: `!${name}`,
  resolve: (v: unknown) => (name === "Ref" || name === "Condition" ? { [name]: v } : name === "GetAtt" && typeof v === "string" ? { "Fn::GetAtt": v.split(".") } : { [`Fn::${name}`]: v }),
}));

describe.skipIf(!hasCfnLint)("cfn-lint on the CloudFormation output (skipped when cfn-lint is not on PATH)", () => {
  it("finds nothing in the demo account's roles, inline and managed", async () => {
    const document = await buildDocument([join(root, "examples/demo-account")], { asOf: "2026-12-01T00:00:00Z" });
    for (const target of ["inline", "managed"] as const) {
      const out = runGenerate(document, { format: "cloudformation", target, split: true }).output;
      expect(cfnLint(`demo-${target}.json`, YAML.parse(out))).toEqual([]);
    }
  });

  it("adds nothing to what cfn-lint finds in the template the roles are put into", async () => {
    const file = join(root, "test/fixtures/cloudformation-sweep/dynamodb-guide-streams-filter.yaml");
    const template = YAML.parse(readFileSync(file, "utf8"), { customTags: cfnTags }) as { Resources: Record<string, unknown> };
    const before = cfnLint("template.json", template);
    const document = await buildDocument([file], { asOf: "2026-12-01T00:00:00Z" });
    for (const target of ["inline", "managed"] as const) {
      const generated = YAML.parse(runGenerate(document, { format: "cloudformation", target }).output) as { Resources: Record<string, unknown> };
      expect(Object.keys(generated.Resources).length).toBeGreaterThan(0);
      const merged = { ...template, Resources: { ...template.Resources, ...generated.Resources } };
      expect(cfnLint(`merged-${target}.json`, merged)).toEqual(before);
    }
  });
});
