/**
 * A template or plan read without an account gets a placeholder account (`unknown`, or
 * `unknown-<8 hex>` per file when several are read): an identifier the JSON keeps (ARNs,
 * fingerprints, the paths' resources in LR014's evidence), but not words for a person. What a
 * person reads names it "the deployment account", and a resource in it by its name. Before:
 * "iam:CreatePolicyVersion on <any policy in unknown-cb9bc906>", "readable by 2 principals:
 * arn:aws:iam::unknown-9b80985c:role/FunctionRole", warnings starting
 * "arn:aws:lambda:unknown:unknown-c948089b:function:…". A real account ID (--account-id, a plan's
 * aws_caller_identity) is shown as before.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { auditDocument } from "../../src/audit/index.js";
import { buildDocument } from "../../src/audit/build-document.js";
import { accountInWords, hasPlaceholderAccount, isPlaceholderAccount, namedInText } from "../../src/deployment-account.js";
import { syntheticAccountFor } from "../../src/sources/cloudformation/index.js";
import { writeTemplate } from "../support/placeholder-template.js";
import type { Finding } from "../../src/model/findings.js";

const work = mkdtempSync(join(tmpdir(), "leastrole-deployment-account-"));
afterAll(() => rmSync(work, { recursive: true, force: true }));

const CHECKOV = "/work/shared/corpus/checkov-tfplan-fixtures/plan_with_iam_policies.tfplan.json";

async function findings(paths: string[], accountId?: string): Promise<Finding[]> {
  const doc = await buildDocument(paths, { workers: 1, ...(accountId ? { iac: { accountId } } : {}) });
  return auditDocument(doc).findings;
}

const lr014 = (fs: Finding[], name: string) => fs.find((f) => f.ruleId === "LR014" && f.resource.name === name)!;
const pathResources = (f: Finding, id: string) => (f.evidence.paths as Array<{ id: string; resources: string[] }>).find((p) => p.id === id)!.resources;

describe("placeholder accounts", () => {
  it("are the readers' `unknown` and `unknown-<8 hex>` (syntheticAccountFor), nothing else", () => {
    expect(isPlaceholderAccount("unknown")).toBe(true);
    expect(isPlaceholderAccount(syntheticAccountFor("a/template.yaml"))).toBe(true);
    expect(isPlaceholderAccount(syntheticAccountFor(""))).toBe(true);
    for (const other of ["123456789012", "aws", "", "unknown-", "unknown-xyz12345", "unknownaccount", "unknown-cb9bc9061"]) expect(isPlaceholderAccount(other)).toBe(false);
    expect(hasPlaceholderAccount("arn:aws:iam::unknown-cb9bc906:role/aws_iam_role.example")).toBe(true);
    expect(hasPlaceholderAccount("arn:aws:lambda:unknown:unknown:function:Fn")).toBe(true);
    // The region alone unknown (a template with --account-id): the account is real.
    expect(hasPlaceholderAccount("arn:aws:lambda:unknown:111122223333:function:Fn")).toBe(false);
    expect(hasPlaceholderAccount("arn:aws:iam::aws:policy/AdministratorAccess")).toBe(false);
    expect(hasPlaceholderAccount("unknown")).toBe(false);
    expect(accountInWords("unknown-cb9bc906")).toBe("the deployment account");
    expect(accountInWords("111122223333")).toBe("111122223333");
    expect(namedInText({ arn: "arn:aws:lambda:unknown:unknown-c948089b:function:f-1", name: "f-1", displayName: "FilterFunction" })).toBe("FilterFunction");
    expect(namedInText({ arn: "arn:aws:iam::unknown:role/AppRole", name: "AppRole" })).toBe("AppRole");
    expect(namedInText({ arn: "arn:aws:iam::111122223333:role/AppRole", name: "AppRole", displayName: "AppRole2" })).toBe("arn:aws:iam::111122223333:role/AppRole");
  });
});

describe("LR014 and LR013 on a template", () => {
  it("without an account: targets in the deployment account, the role by its name; the evidence and fingerprint keep the placeholder", async () => {
    const fs = await findings([writeTemplate(join(work, "one"))]);
    const f = lr014(fs, "AppRole");
    expect(f.message).toContain("iam:CreatePolicyVersion on <any policy in the deployment account>");
    expect(f.message).toContain("iam:PutRolePolicy on <any role in the deployment account>, AppRole)");
    expect(f.message).toMatch(/<new glue resource in the deployment account>|<any role in the deployment account>/);
    expect(f.message).not.toMatch(/unknown/);
    // The machine-readable side as before: the labels and ARNs the paths list.
    expect(pathResources(f, "iam-put-role-policy")).toEqual(["<any role in unknown>", "arn:aws:iam::unknown:role/AppRole"]);
    expect(pathResources(f, "iam-create-policy-version")).toEqual(["<any policy in unknown>"]);
    expect(f.resource.arn).toBe("arn:aws:iam::unknown:role/AppRole");

    const env = fs.find((x) => x.ruleId === "LR013")!;
    expect(env.message).toBe("Function OtherFunction has 1 environment variable readable by 1 principal: AppRole");
  });

  it("two templates (accounts unknown-<hash>): the same words, and a reader of the other template named with its file", async () => {
    const a = writeTemplate(join(work, "two", "a"));
    writeTemplate(join(work, "two", "b"));
    const fs = await findings([a, join(work, "two", "b", "template.json")]);
    const shown = fs.filter((f) => f.ruleId === "LR014" || f.ruleId === "LR013").map((f) => f.message);
    expect(shown.length).toBeGreaterThan(2);
    expect(shown.filter((m) => /unknown/.test(m))).toEqual([]);
    expect(shown).toContain(`Function OtherFunction has 1 environment variable readable by 2 principals: AppRole, AppRole (${join(work, "two", "b", "template.json")})`);
    // ARNs and evidence keep the accounts.
    const [ka, kb] = [syntheticAccountFor("a/template.json"), syntheticAccountFor("b/template.json")];
    expect(fs.filter((f) => f.ruleId === "LR014").map((f) => f.resource.arn).sort()).toEqual([`arn:aws:iam::${ka}:role/AppRole`, `arn:aws:iam::${kb}:role/AppRole`].sort());
    const ofA = fs.find((f) => f.ruleId === "LR014" && f.resource.arn === `arn:aws:iam::${ka}:role/AppRole`)!;
    expect(pathResources(ofA, "iam-create-policy-version")).toEqual([`<any policy in ${ka}>`]);
  });

  it("with --account-id: the account and the ARNs as before", async () => {
    const fs = await findings([writeTemplate(join(work, "acct"))], "111122223333");
    const f = lr014(fs, "AppRole");
    expect(f.message).toContain("iam:CreatePolicyVersion on <any policy in 111122223333>");
    expect(f.message).toContain("iam:PutRolePolicy on <any role in 111122223333>, arn:aws:iam::111122223333:role/AppRole)");
    expect(fs.find((x) => x.ruleId === "LR013")!.message).toBe("Function OtherFunction has 1 environment variable readable by 1 principal: arn:aws:iam::111122223333:role/AppRole");
  });
});

describe.skipIf(!existsSync(CHECKOV))("LR014 on a Terraform plan", () => {
  it("without aws_caller_identity: the deployment account; with it: its account ID, as before", async () => {
    const without = lr014(await findings([CHECKOV]), "aws_iam_role.example");
    expect(without.message).toContain("iam:CreatePolicyVersion on <any policy in the deployment account>");
    expect(without.message).toContain("iam:PutRolePolicy on <any role in the deployment account>, aws_iam_role.example)");
    expect(without.message).not.toMatch(/unknown/);

    // The same plan with the caller identity Terraform read (prior_state's data source).
    const plan = JSON.parse(readFileSync(CHECKOV, "utf8")) as { prior_state: { values: { root_module: { resources: unknown[] } } } };
    plan.prior_state.values.root_module.resources.push({
      address: "data.aws_caller_identity.current",
      mode: "data",
      type: "aws_caller_identity",
      name: "current",
      provider_name: "registry.terraform.io/hashicorp/aws",
      schema_version: 0,
      values: { account_id: "111122223333", arn: "arn:aws:iam::111122223333:user/ci", id: "111122223333", user_id: "AIDAEXAMPLE" },
      sensitive_values: {},
    });
    const file = join(work, "caller.tfplan.json");
    writeFileSync(file, JSON.stringify(plan));
    const withCaller = lr014(await findings([file]), "aws_iam_role.example");
    expect(withCaller.resource.arn).toBe("arn:aws:iam::111122223333:role/aws_iam_role.example");
    expect(withCaller.message).toContain("iam:CreatePolicyVersion on <any policy in 111122223333>");
    expect(withCaller.message).toContain("iam:PutRolePolicy on <any role in 111122223333>, arn:aws:iam::111122223333:role/aws_iam_role.example)");
  });
});

describe("warnings about a template's resources", () => {
  it("name them by name, with their files when several templates' are listed; a real account's by ARN", async () => {
    const extra = {
      Reader: { Type: "AWS::IAM::Role", Properties: { AssumeRolePolicyDocument: { Statement: [] }, ManagedPolicyArns: ["arn:aws:iam::123456789012:policy/not-given"] } },
      External: { Type: "AWS::Lambda::Function", Properties: { Runtime: "python3.12", Handler: "app.handler", Code: { ZipFile: "x" }, Role: "arn:aws:iam::123456789012:role/external" } },
    };
    const [a, b] = [writeTemplate(join(work, "warn", "a"), extra), writeTemplate(join(work, "warn", "b"), extra)];
    const warnings = (await buildDocument([a, b], { workers: 1 })).meta.warnings;
    const unresolved = warnings.find((w) => w.code === "unresolved-managed-policy")!;
    // In the order of their ARNs, as before (the files' placeholder accounts).
    const byArn = [
      [syntheticAccountFor("a/template.json"), a],
      [syntheticAccountFor("b/template.json"), b],
    ].sort(([x], [y]) => (x! < y! ? -1 : 1));
    expect(unresolved.message).toBe(`managed policy arn:aws:iam::123456789012:policy/not-given is not in the inputs; the permissions of 2 principals (${byArn.map(([, f]) => `Reader (${f})`).join(", ")}) are a lower bound`);
    const external = warnings.find((w) => w.code === "role-not-in-inputs")!;
    expect(external.message).toBe("execution role arn:aws:iam::123456789012:role/external of 2 functions (External, External) is not in the IAM inputs (add get-account-authorization-details)");

    const known = (await buildDocument([writeTemplate(join(work, "warn", "c"), extra)], { workers: 1, iac: { accountId: "111122223333" } })).meta.warnings;
    expect(known.find((w) => w.code === "unresolved-managed-policy")!.message).toContain("the permissions of arn:aws:iam::111122223333:role/Reader are a lower bound");
    expect(known.find((w) => w.code === "role-not-in-inputs")!.message).toContain("of arn:aws:lambda:unknown:111122223333:function:External is not");
  });
});
