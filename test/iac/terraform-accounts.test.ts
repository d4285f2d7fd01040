/**
 * A plan with providers of several accounts (`provider "aws" { alias = "prod" assume_role {
 * role_arn = "arn:aws:iam::222222222222:role/…" } }`): each resource is made in its provider's
 * account, and what a resource names by name (a role, a function) is looked for in its own
 * account. Real plan: test/iac/fixtures/terraform-multi-account (README for the command).
 */
import { spawnSync } from "node:child_process";
import { copyFileSync, existsSync, mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { packageRoot } from "../../src/evaluate/locate.js";
import { normalizeFragments } from "../../src/normalize/index.js";
import { readTerraformPlan, readTfFiles, type TerraformReadOptions } from "../../src/sources/terraform/index.js";

const dir = join(packageRoot(), "test", "iac", "fixtures", "terraform-multi-account");
const text = readFileSync(join(dir, "plan.json"), "utf8");
/** Real plan that destroys prod's policies of a role named as dev's: test/iac/fixtures/terraform-multi-account-destroy. */
const destroyDir = join(packageRoot(), "test", "iac", "fixtures", "terraform-multi-account-destroy");

/** The normalised plan (changed by `edit`, else as Terraform wrote it). */
function read(options: TerraformReadOptions = {}, edit: (plan: any) => void = () => {}, planText = text) {
  const plan = JSON.parse(planText);
  edit(plan);
  const fragment = readTerraformPlan(JSON.stringify(plan), "plan.json", options);
  const doc = normalizeFragments([fragment]).document;
  const fn = (address: string) => doc.functions.find((f) => f.source?.address === address);
  const role = (arn: string | undefined) => doc.roles.find((r) => r.arn === arn);
  /** A role's inline policies as `name: actions`, and its managed policies. */
  const grants = (arn: string | undefined) => {
    const r = role(arn);
    return r && { inline: r.inlinePolicies.map((p) => `${p.name}: ${p.document.Statement.flatMap((s) => s.Action ?? []).join(",")}`), attached: r.attachedPolicies.map((p) => p.arn) };
  };
  return { fragment, doc, fn, grants };
}

describe("resources in the account of their provider configuration", () => {
  it("two accounts with a role of one name: each function has its own account's role and policies", () => {
    const { doc, fn, grants } = read();
    expect(fn("aws_lambda_function.dev")?.arn).toBe("arn:aws:lambda:eu-west-1:111111111111:function:app");
    expect(fn("aws_lambda_function.dev")?.roleArn).toBe("arn:aws:iam::111111111111:role/app-lambda");
    expect(fn("aws_lambda_function.prod")?.arn).toBe("arn:aws:lambda:eu-central-1:222222222222:function:app");
    expect(fn("aws_lambda_function.prod")?.roleArn).toBe("arn:aws:iam::222222222222:role/app-lambda");
    // aws_iam_role_policy.prod names its role "app-lambda" (known at plan time): prod's, not dev's.
    expect(grants("arn:aws:iam::111111111111:role/app-lambda")).toEqual({ inline: ["app: s3:GetObject"], attached: ["arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole"] });
    expect(grants("arn:aws:iam::222222222222:role/app-lambda")).toEqual({ inline: ["app: dynamodb:*"], attached: [] });
    for (const r of doc.roles) expect(r.accountId).toBe(r.arn.split(":")[4]);
    for (const f of doc.functions) expect(f.accountId).toBe(f.arn.split(":")[4]);
  });

  it("a module given an aliased provider makes its resources in that provider's account", () => {
    const { fn, grants } = read();
    const worker = fn("module.worker.aws_lambda_function.this");
    expect(worker?.arn).toBe("arn:aws:lambda:eu-central-1:222222222222:function:worker");
    expect(worker?.roleArn).toBe("arn:aws:iam::222222222222:role/worker");
    expect(grants(worker?.roleArn)).toEqual({ inline: ["worker: kms:Decrypt"], attached: [] });
    // The root's role "worker" (default provider) is another role, with its own policy.
    const root = fn("aws_lambda_function.worker_default");
    expect(root?.roleArn).not.toBe(worker?.roleArn);
    expect(grants(root?.roleArn)).toEqual({ inline: ["worker: sqs:SendMessage"], attached: [] });
  });

  it("a function named by name only is the one of its own account and region", () => {
    const { fn } = read();
    const principals = (address: string) => (fn(address)?.resourcePolicy?.Statement ?? []).map((s) => s.Principal);
    expect(principals("aws_lambda_function.prod")).toEqual([{ Service: ["sns.amazonaws.com"] }]);
    expect(principals("aws_lambda_function.dev")).toEqual([]);
  });

  it("a provider that says no account: the plan's, as before (unknown, or --account); an aliased provider's aws_caller_identity is not the plan's", () => {
    const { fn, grants } = read();
    const worker = fn("aws_lambda_function.worker_default");
    expect(worker?.arn).toBe("arn:aws:lambda:eu-west-1:unknown:function:worker");
    expect(worker?.roleArn).toBe("arn:aws:iam::unknown:role/worker");
    expect(grants(worker?.roleArn)).toEqual({ inline: ["worker: sqs:SendMessage"], attached: [] });
    const given = read({ accountId: "444444444444" });
    expect(given.fn("aws_lambda_function.worker_default")?.roleArn).toBe("arn:aws:iam::444444444444:role/worker");
    expect(given.fn("aws_lambda_function.prod")?.roleArn).toBe("arn:aws:iam::222222222222:role/app-lambda");
  });

  it("allowed_account_ids alone says the account; a provider's aws_caller_identity says its account", () => {
    // aws.dev without its assume_role block: its one allowed account is still 111111111111.
    const allowed = read({}, (plan) => delete plan.configuration.provider_config["aws.dev"].expressions.assume_role);
    expect(allowed.fn("aws_lambda_function.dev")?.roleArn).toBe("arn:aws:iam::111111111111:role/app-lambda");
    // aws.prod without its assume_role block: what STS answered through it (the data source).
    const caller = read({}, (plan) => delete plan.configuration.provider_config["aws.prod"].expressions.assume_role);
    expect(caller.fn("aws_lambda_function.prod")?.roleArn).toBe("arn:aws:iam::222222222222:role/app-lambda");
    // Neither: the plan's account, and the two app-lambda roles are one again (as before).
    const neither = read({}, (plan) => {
      delete plan.configuration.provider_config["aws.dev"].expressions.assume_role;
      delete plan.configuration.provider_config["aws.dev"].expressions.allowed_account_ids;
    });
    expect(neither.fn("aws_lambda_function.dev")?.roleArn).toBe("arn:aws:iam::unknown:role/app-lambda");
  });
});

describe("an assume_role ARN that is a template of a variable", () => {
  it("the .tf files say the account; without them it is unknown, and the role is still the one of its own provider", () => {
    const withConfig = read({ configFiles: readTfFiles(dir) });
    const staging = withConfig.fn("aws_lambda_function.staging");
    expect(staging?.roleArn).toBe("arn:aws:iam::333333333333:role/app-lambda");
    expect(withConfig.grants(staging?.roleArn)).toEqual({ inline: ["app: sns:Publish"], attached: [] });
    // The plan gives `role_arn` as its references only (["var.staging_account_id"]).
    const without = read();
    const unknown = without.fn("aws_lambda_function.staging");
    expect(unknown?.roleArn).toBe("arn:aws:iam::unknown:role/app-lambda");
    // aws_iam_role_policy.staging names "app-lambda": the role of its own provider, not dev's or prod's.
    expect(without.grants(unknown?.roleArn)).toEqual({ inline: ["app: sns:Publish"], attached: [] });
    expect(without.grants("arn:aws:iam::111111111111:role/app-lambda")?.inline).toEqual(["app: s3:GetObject"]);
  });
});

describe("an aliased provider whose account the plan does not say", () => {
  const unknownAccount = (fragment: { warnings: { code: string }[] }) => fragment.warnings.filter((w) => w.code === "terraform-provider-account-unknown");

  it("is said, once per provider configuration, with what it places and the account taken instead; not partial", () => {
    const { fragment } = read();
    const said = unknownAccount(fragment);
    expect(said).toHaveLength(1);
    expect(said[0]).toMatchObject({ severity: "warning", file: "plan.json", path: `configuration.provider_config["aws.staging"]` });
    expect((said[0] as any).message).toContain("aws.staging");
    expect((said[0] as any).message).toContain("1 role and 1 function");
    expect((said[0] as any).message).toContain("account unknown");
    // Nothing is missing from what is read: the account in its ARNs is the one taken.
    expect(fragment.partial).toBe(false);
    // Given --account-id, that is the account said.
    expect((unknownAccount(read({ accountId: "444444444444" }).fragment)[0] as any).message).toContain("account 444444444444");
  });

  it("not when the .tf files say it, nor for the default provider (the plan's account by definition)", () => {
    expect(unknownAccount(read({ configFiles: readTfFiles(dir) }).fragment)).toEqual([]);
    // aws (default) places role and function worker without an account: no warning for it.
    expect(unknownAccount(read().fragment).map((w: any) => w.message).join("\n")).not.toMatch(/provider configuration aws\b(?!\.)/);
  });

  it("two such providers: two warnings, in the order of their keys", () => {
    const { fragment } = read({}, (plan) => {
      // aws.dev's role to assume known only from a variable the plan does not give.
      plan.configuration.provider_config["aws.dev"].expressions.assume_role[0].role_arn = { references: ["var.dev_account_id"] };
      delete plan.configuration.provider_config["aws.dev"].expressions.allowed_account_ids;
    });
    const said = unknownAccount(fragment).map((w: any) => w.path);
    expect(said).toEqual([`configuration.provider_config["aws.dev"]`, `configuration.provider_config["aws.staging"]`]);
    expect((unknownAccount(fragment)[0] as any).message).toContain("1 role and 1 function");
  });

  it("not for a provider with the default's credentials: an alias that sets only its region is in the default's account", () => {
    // aws.dev without its assume_role: the same keys as the default provider, another region at most.
    const { fragment } = read({}, (plan) => {
      delete plan.configuration.provider_config["aws.dev"].expressions.assume_role;
      delete plan.configuration.provider_config["aws.dev"].expressions.allowed_account_ids;
    });
    expect(unknownAccount(fragment).map((w: any) => w.path)).toEqual([`configuration.provider_config["aws.staging"]`]);
    // A real plan of region aliases (Lambda@Edge in us-east-1, a DR region), each with the
    // default's keys: one account, nothing to say. The helper branch that added the warning said it
    // three times here.
    const regions = join(packageRoot(), "test", "iac", "fixtures", "terraform-provider-regions", "plan.json");
    const other = read({}, () => {}, readFileSync(regions, "utf8")).fragment;
    expect(other.functions.length).toBeGreaterThan(1);
    expect(unknownAccount(other)).toEqual([]);
  });

  it("a module's entry for the provider it inherits is not a configuration of its own (terraform-wrapper)", () => {
    // Terraform 1.11 keys the wrapper module's resources `module.lambdas.module.wrapper:aws`, an
    // entry with no expressions: the root's default provider, whose account is the plan's.
    const wrapper = join(packageRoot(), "test", "iac", "fixtures", "terraform-wrapper", "plan.json");
    const { fragment } = read({}, () => {}, readFileSync(wrapper, "utf8"));
    expect(fragment.roles.length).toBeGreaterThan(0);
    expect(unknownAccount(fragment)).toEqual([]);
  });

  it("a plan of one provider configuration: nothing to tell apart, no warning", () => {
    // Only aws.staging is left (every resource made with it): its account is the plan's.
    const { fragment } = read({}, (plan) => {
      for (const key of Object.keys(plan.configuration.provider_config)) if (key !== "aws.staging") delete plan.configuration.provider_config[key];
      const walk = (m: any) => {
        for (const r of m.resources ?? []) r.provider_config_key = "aws.staging";
        for (const c of Object.values(m.module_calls ?? {})) walk((c as any).module);
      };
      walk(plan.configuration.root_module);
    });
    expect(unknownAccount(fragment)).toEqual([]);
  });
});

describe("a destroyed policy of a role named as another account's role", () => {
  const destroyedUnknown = (fragment: { warnings: { code: string; severity: string; message: string; path?: string }[] }) => fragment.warnings.filter((w) => w.code === "terraform-destroyed-account-unknown");
  const destroyText = readFileSync(join(destroyDir, "plan.json"), "utf8");
  const dev = "arn:aws:iam::111111111111:role/app-lambda";
  const prod = "arn:aws:iam::222222222222:role/app-lambda";
  const logs = "arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole";

  it("goes from its own account's role only (prior_state's depends_on links it to aws_iam_role.prod)", () => {
    const { grants } = read({}, () => {}, destroyText);
    expect(grants(prod)).toEqual({ inline: [], attached: [] });
    expect(grants(dev)).toEqual({ inline: ["app: s3:GetObject"], attached: [logs] });
  });

  it("a destroyed resource the configuration still holds: its provider configuration's account", () => {
    const { grants } = read({}, (plan) => {
      // As a replacement's old half would be: in configuration, with aws.prod; no depends_on.
      for (const r of plan.prior_state.values.root_module.resources) delete r.depends_on;
      plan.configuration.root_module.resources.push(
        { address: "aws_iam_role_policy.prod", mode: "managed", type: "aws_iam_role_policy", name: "prod", provider_config_key: "aws.prod", expressions: {} },
        { address: "aws_iam_role_policy_attachment.prod_logs", mode: "managed", type: "aws_iam_role_policy_attachment", name: "prod_logs", provider_config_key: "aws.prod", expressions: {} },
      );
    }, destroyText);
    expect(grants(prod)).toEqual({ inline: [], attached: [] });
    expect(grants(dev)).toEqual({ inline: ["app: s3:GetObject"], attached: [logs] });
  });

  it("a destroyed aws_iam_policy_attachment (one policy, a list of roles) comes off each role it lists, in its own account", () => {
    // The plan's attachment of prod's logs policy as aws_iam_policy_attachment would have made it:
    // the same policy on the role, listed in `roles` (hashicorp/aws: "exclusive attachment").
    const { grants } = read({}, (plan) => {
      const asShared = (r: any, values: any) => {
        r.address = "aws_iam_policy_attachment.prod_logs";
        r.type = "aws_iam_policy_attachment";
        return { id: "prod-logs", name: "prod-logs", policy_arn: values.policy_arn, roles: [values.role], users: [], groups: [] };
      };
      const change = plan.resource_changes.find((r: any) => r.address === "aws_iam_role_policy_attachment.prod_logs");
      change.change.before = asShared(change, change.change.before);
      const prior = plan.prior_state.values.root_module.resources.find((r: any) => r.address === "aws_iam_role_policy_attachment.prod_logs");
      prior.values = asShared(prior, prior.values);
    }, destroyText);
    expect(grants(prod)).toEqual({ inline: [], attached: [] });
    expect(grants(dev)).toEqual({ inline: ["app: s3:GetObject"], attached: [logs] });
  });

  it("neither says the account and the name is in two accounts: no role loses it (kept rather than lost where it stays), and a warning says so", () => {
    const { fragment, grants } = read({}, (plan) => {
      for (const r of plan.prior_state.values.root_module.resources) delete r.depends_on;
    }, destroyText);
    expect(grants(prod)).toEqual({ inline: ["app: dynamodb:*"], attached: [logs] });
    expect(grants(dev)).toEqual({ inline: ["app: s3:GetObject"], attached: [logs] });
    // One per destroyed resource, at its resource_changes entry, naming both accounts; not partial.
    const said = destroyedUnknown(fragment);
    expect(said.map((w) => [w.severity, w.path])).toEqual([
      ["warning", expect.stringMatching(/^resource_changes\[\d+\]$/)],
      ["warning", expect.stringMatching(/^resource_changes\[\d+\]$/)],
    ]);
    expect(said.map((w) => w.message.split(" (")[0]).sort()).toEqual(["aws_iam_role_policy.prod", "aws_iam_role_policy_attachment.prod_logs"]);
    for (const w of said) expect(w.message).toContain("2 accounts (111111111111, 222222222222)");
    expect(said.find((w) => w.message.startsWith("aws_iam_role_policy.prod "))?.message).toContain('inline policy "app"');
    expect(said.find((w) => w.message.startsWith("aws_iam_role_policy_attachment."))?.message).toContain(`attachment of ${logs}`);
    expect(normalizeFragments([fragment]).document.meta.partial).toBe(false);
  });

  it("destroyed exclusive resources take nothing off (the provider does not detach on destroy)", () => {
    // hashicorp/aws, aws_iam_role_policy_attachments_exclusive and aws_iam_role_policies_exclusive:
    // "Destruction of this resource means Terraform will no longer manage reconciliation of the
    // configured policy attachments. It will not detach the configured policies from the role."
    // The plan's two destroys of prod's policies, in those resources' shape (role_name and a list).
    const { fragment, grants } = read({}, (plan) => {
      const exclusive = (address: string, values: any) =>
        address.startsWith("aws_iam_role_policy_attachment.")
          ? { type: "aws_iam_role_policy_attachments_exclusive", values: { role_name: values.role, policy_arns: [values.policy_arn] } }
          : { type: "aws_iam_role_policies_exclusive", values: { role_name: values.role, policy_names: [values.name] } };
      const prodPolicies = ["aws_iam_role_policy.prod", "aws_iam_role_policy_attachment.prod_logs"];
      for (const r of plan.resource_changes.filter((x: any) => prodPolicies.includes(x.address))) {
        const e = exclusive(r.address, r.change.before);
        r.type = e.type;
        r.change.before = e.values;
      }
      for (const r of plan.prior_state.values.root_module.resources.filter((x: any) => prodPolicies.includes(x.address))) {
        const e = exclusive(r.address, r.values);
        r.type = e.type;
        r.values = e.values;
      }
    }, destroyText);
    expect(grants(prod)).toEqual({ inline: ["app: dynamodb:*"], attached: [logs] });
    expect(grants(dev)).toEqual({ inline: ["app: s3:GetObject"], attached: [logs] });
    expect(destroyedUnknown(fragment)).toEqual([]);
  });

  it("a destroy whose account is known says nothing", () => {
    expect(destroyedUnknown(read({}, () => {}, destroyText).fragment)).toEqual([]);
  });
});

describe("a provider inherited through two module levels (real plan: terraform-nested-provider)", () => {
  const nestedText = readFileSync(join(packageRoot(), "test", "iac", "fixtures", "terraform-nested-provider", "plan.json"), "utf8");

  it("the inner module's function and role are in the account of the provider the outer module was given", () => {
    // `module "outer" { providers = { aws = aws.prod } }` calls `module "inner"` with no providers
    // map: inner inherits aws.prod. The root's default provider makes a role of the same name.
    const { fragment, doc, fn, grants } = read({}, () => {}, nestedText);
    const nested = fn("module.outer.module.inner.aws_lambda_function.this");
    expect(nested?.arn).toBe("arn:aws:lambda:eu-central-1:222222222222:function:nested");
    expect(nested?.roleArn).toBe("arn:aws:iam::222222222222:role/nested-lambda");
    expect(grants(nested?.roleArn)).toEqual({ inline: ["nested: sqs:SendMessage"], attached: [] });
    // The default provider's role of that name stays apart, in the plan's account, without the policy.
    expect(doc.roles.map((r) => r.arn).sort()).toEqual(["arn:aws:iam::222222222222:role/nested-lambda", "arn:aws:iam::unknown:role/nested-lambda"]);
    expect(grants("arn:aws:iam::unknown:role/nested-lambda")).toEqual({ inline: [], attached: [] });
    expect(fragment.warnings.filter((w) => w.code.startsWith("terraform-provider") || w.code === "terraform-destroyed-account-unknown")).toEqual([]);
  });
});

describe("leastrole audit on the multi-account plan", () => {
  it("reports each account's role with its own policies, and no role shared by two functions", () => {
    const cli = join(packageRoot(), "dist", "cli.js");
    if (!existsSync(cli)) throw new Error("build first: npm run build");
    const out = join(mkdtempSync(join(tmpdir(), "leastrole-accounts-")), "report.json");
    const r = spawnSync(process.execPath, [cli, "audit", join(dir, "plan.json"), "--format", "json", "--output", out, "--quiet"], { encoding: "utf8" });
    expect(r.stderr).toBe("");
    const report = JSON.parse(readFileSync(out, "utf8"));
    const found = report.findings.map((f: any) => `${f.ruleId} ${f.resource.arn}`).sort();
    expect(found.filter((f: string) => f.startsWith("LR001"))).toEqual([]);
    expect(found.filter((f: string) => f.startsWith("LR002"))).toEqual(["LR002 arn:aws:iam::222222222222:role/app-lambda"]);
    expect(report.warnings.filter((w: any) => w.code === "conflicting-records")).toEqual([]);
  });

  it("a plan that destroys prod's policies: dev's function keeps its logs policy (no LR005 for it), and the run is not partial", () => {
    const cli = join(packageRoot(), "dist", "cli.js");
    if (!existsSync(cli)) throw new Error("build first: npm run build");
    const out = join(mkdtempSync(join(tmpdir(), "leastrole-accounts-")), "report.json");
    const r = spawnSync(process.execPath, [cli, "audit", join(destroyDir, "plan.json"), "--format", "json", "--output", out, "--quiet"], { encoding: "utf8" });
    expect(r.stderr).toBe("");
    const report = JSON.parse(readFileSync(out, "utf8"));
    const found = report.findings.map((f: any) => `${f.ruleId} ${f.resource.arn}`).sort();
    expect(found.filter((f: string) => f.startsWith("LR005"))).toEqual(["LR005 arn:aws:lambda:eu-west-1:222222222222:function:app"]);
    expect(report.summary.partial).toBe(false);
  });

  it("an aliased provider of unknown account is said on stderr, naming the plan, the provider and what it places", () => {
    const cli = join(packageRoot(), "dist", "cli.js");
    if (!existsSync(cli)) throw new Error("build first: npm run build");
    const out = join(mkdtempSync(join(tmpdir(), "leastrole-accounts-")), "report.json");
    // The plan alone (the .tf files beside it say staging's account: they would be read).
    const alone = join(mkdtempSync(join(tmpdir(), "leastrole-plan-alone-")), "plan.json");
    copyFileSync(join(dir, "plan.json"), alone);
    const r = spawnSync(process.execPath, [cli, "audit", alone, "--format", "json", "--output", out], { encoding: "utf8" });
    expect(r.status).toBe(0);
    expect(r.stderr).toContain(`leastrole: warning: ${alone}: configuration.provider_config["aws.staging"]: provider configuration aws.staging places 1 role and 1 function`);
    const report = JSON.parse(readFileSync(out, "utf8"));
    const said = report.warnings.filter((w: any) => w.code === "terraform-provider-account-unknown");
    expect(said.map((w: any) => [w.file === alone, w.severity])).toEqual([[true, "warning"]]);
    // The account assumed is said; nothing is missing, so the audit is not partial.
    expect(report.summary.partial).toBe(false);
  });
});
