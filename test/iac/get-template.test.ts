/**
 * A deployed stack's template as `aws cloudformation get-template` prints it (fixtures: real AWS
 * CLI output, test/iac/fixtures/get-template): the template is its TemplateBody, a string for a
 * YAML template, an object for a JSON one. Both read like the template itself.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { packageRoot } from "../../src/evaluate/locate.js";
import { detectIac, readCloudFormationTemplate } from "../../src/sources/cloudformation/index.js";
import { readSourceBytes } from "../../src/sources/index.js";

const dir = join(packageRoot(), "test", "iac", "fixtures", "get-template");
const read = (name: string) => readCloudFormationTemplate(readFileSync(join(dir, name)), name);

describe("aws cloudformation get-template output", () => {
  const direct = read("template.yaml");
  const shape = (f: ReturnType<typeof read>) => ({ functions: f.functions.map((x) => [x.name, x.roleArn]), roles: f.roles.map((r) => [r.arn, r.inlinePolicies.map((p) => p.document)]) });

  it("is recognised as a template whether its body is YAML text or a JSON object", () => {
    for (const name of ["get-template-yaml.json", "get-template-json.json"]) expect(detectIac(JSON.parse(readFileSync(join(dir, name), "utf8")))).toBe("cloudformation");
    expect(detectIac({ TemplateBody: "just: text" })).toBeNull();
    expect(detectIac({ TemplateBody: {}, Other: 1 })).toBeNull();
  });

  it("reads the same roles, policies and functions as the template it was created from", () => {
    expect(shape(read("get-template-yaml.json"))).toEqual(shape(direct));
    expect(shape(read("get-template-json.json"))).toEqual(shape(direct));
    expect(direct.functions).toHaveLength(1);
  });

  it("points at the lines of the output file for an object body, at none for a string body", () => {
    const json = read("get-template-json.json");
    const text = readFileSync(join(dir, "get-template-json.json"), "utf8").split("\n");
    const line = json.roles[0]?.source?.line ?? 0;
    expect(text[line - 1]).toMatch(/"FnRole": \{/);
    expect(read("get-template-yaml.json").roles[0]?.source?.line).toBeNull();
  });

  it("goes to the template reader from the source readers (no 'not an input' warning)", () => {
    const r = readSourceBytes(join(dir, "get-template-yaml.json"), readFileSync(join(dir, "get-template-yaml.json")), { explicit: true });
    expect(r.warnings).toEqual([]);
    expect(r.fragment?.source.kind).toBe("cloudformation");
  });
});
