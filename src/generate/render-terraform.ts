/**
 * Terraform output: `aws_iam_role` with the Lambda trust policy and `aws_iam_role_policy` with
 * `jsonencode`, as in the execution-roles guide's example; when the policy does not fit the inline
 * budget, `aws_iam_policy` + `aws_iam_role_policy_attachment` per managed part.
 *
 * The text is what `terraform fmt` would write (attribute alignment included), so committing it
 * gives no formatting diff; the tests run the real `terraform fmt` and `terraform console` on it
 * when the binary is installed. Provenance, kept-exception reasons and wildcard reasons are HCL
 * comments right above the statement they explain.
 */

import type { PolicyDocument, PolicyStatement } from "../model/document.js";
import { ownPart, sharedAdviceOf } from "./shared-advice.js";
import type { GeneratedStatement, KeptRole, PolicyBuild } from "./types.js";
import { hasPatternWildcard } from "./iam.js";
import { allocateNames } from "./names.js";
import { unknownPlaces } from "./unknown-places.js";
import { repeatsNote, rewriteNote, rewriteText, type OutputReferences } from "./references.js";

/** A value in the HCL we write: strings, tuples of values, objects with optional comments. */
type HclValue = string | HclTuple | HclObject;
interface HclTuple {
  kind: "tuple";
  items: { value: HclValue; comments: string[] }[];
  /** Force one item per line (statements); string tuples go on one line when short. */
  multiline: boolean;
}
interface HclObject {
  kind: "object";
  entries: { key: string; value: HclValue }[];
  /** Single-line `{ Service = "lambda.amazonaws.com" }` style. */
  inline?: boolean;
}

/**
 * A Terraform reference as the Terraform plan reader writes unresolved values (`${aws_sqs_queue.jobs.arn}`,
 * `${data.aws_caller_identity.current.account_id}`, `${module.x.aws_kms_key.k.arn}`): no `:`, so
 * never an IAM policy variable (`${aws:username}`, `${s3:prefix}`, `${*}`).
 */
export const TERRAFORM_REFERENCE = /^[A-Za-z_][A-Za-z0-9_-]*(?:\.[A-Za-z0-9_-]+(?:\[[^\]]*\])?)+$/;

/**
 * HCL string literal: quotes, backslashes and control characters escaped; `${` and `%{` doubled so
 * they stay literal. With `keepReferences`, `${<terraform reference>}` stays an interpolation (the
 * document came from a Terraform plan and the value is known only after apply).
 */
export function hclString(s: string, keepReferences = false): string {
  if (keepReferences && s.includes("${")) {
    let out = "";
    let last = 0;
    for (const m of s.matchAll(/\$\{([^}]*)\}/g)) {
      out += hclString(s.slice(last, m.index)).slice(1, -1);
      out += TERRAFORM_REFERENCE.test(m[1] as string) ? m[0] : hclString(m[0]).slice(1, -1);
      last = (m.index as number) + m[0].length;
    }
    return `"${out}${hclString(s.slice(last)).slice(1, -1)}"`;
  }
  let out = "";
  for (const ch of s) {
    if (ch === "\\") out += "\\\\";
    else if (ch === '"') out += '\\"';
    else if (ch === "\n") out += "\\n";
    else if (ch === "\r") out += "\\r";
    else if (ch === "\t") out += "\\t";
    else if (ch.charCodeAt(0) < 0x20) out += `\\u${ch.charCodeAt(0).toString(16).padStart(4, "0")}`;
    else out += ch;
  }
  // Function replacers: in a replacement string `$$` would itself mean one `$`.
  out = out.replace(/\$\{/g, () => "$${").replace(/%\{/g, () => "%%{");
  return `"${out}"`;
}

function hclKey(k: string): string {
  return /^[A-Za-z_][A-Za-z0-9_-]*$/.test(k) ? k : hclString(k);
}

/** A Terraform resource name from any text: letters, digits, `_`, `-`, starting with a letter or `_`. */
export function terraformName(s: string): string {
  const cleaned = s.replace(/[^A-Za-z0-9_-]/g, "_");
  return /^[A-Za-z_]/.test(cleaned) ? cleaned : `_${cleaned}`;
}

function isSingleLine(v: HclValue): boolean {
  // Raw expressions (jsonencode(...)) may span lines; a multi-line value ends an alignment run.
  if (typeof v === "string") return !v.includes("\n");
  if (v.kind === "object") return v.inline === true;
  return !v.multiline && v.items.every((i) => typeof i.value === "string" && i.comments.length === 0);
}

function render(v: HclValue, indent: string): string {
  if (typeof v === "string") return v;
  const inner = `${indent}  `;
  if (v.kind === "tuple") {
    if (isSingleLine(v)) return `[${v.items.map((i) => render(i.value, inner)).join(", ")}]`;
    const lines = v.items.flatMap((i) => [...i.comments.map((c) => `${inner}# ${c}`), `${inner}${render(i.value, inner)},`]);
    return `[\n${lines.join("\n")}\n${indent}]`;
  }
  if (v.inline === true) return `{ ${v.entries.map((e) => `${hclKey(e.key)} = ${render(e.value, inner)}`).join(", ")} }`;
  return `{\n${renderEntries(v.entries, inner)}\n${indent}}`;
}

/** Attribute lines with `terraform fmt` alignment: runs of single-line attributes align their `=`. */
function renderEntries(entries: { key: string; value: HclValue }[], indent: string): string {
  const lines: string[] = [];
  let run: { key: string; value: HclValue }[] = [];
  const flush = (): void => {
    const width = Math.max(0, ...run.map((e) => hclKey(e.key).length));
    for (const e of run) lines.push(`${indent}${hclKey(e.key).padEnd(width)} = ${render(e.value, indent)}`);
    run = [];
  };
  for (const e of entries) {
    if (isSingleLine(e.value)) run.push(e);
    else {
      flush();
      lines.push(`${indent}${hclKey(e.key)} = ${render(e.value, indent)}`);
    }
  }
  flush();
  return lines.join("\n");
}

/**
 * The data sources that stand for an ARN's `unknown` region or account (what the IaC readers write
 * when the template or plan does not say): named `leastrole` so that they cannot collide with the
 * module's own `current` ones. `aws_region`'s `name` (deprecated in AWS provider 6 for `region`,
 * which 5.x lacks) works with every provider version.
 */
const UNKNOWN_ACCOUNT = "data.aws_caller_identity.leastrole.account_id";
const UNKNOWN_REGION = "data.aws_region.leastrole.name";

/** An ARN with `unknown` in its region or account part, as HCL with those parts interpolated; null otherwise. */
function unknownPlaceArn(s: string, keepReferences: boolean): string | null {
  const places = unknownPlaces(s);
  if (places === null) return null;
  const head = places.head.map((p, i) => (i === 3 && places.region ? `\${${UNKNOWN_REGION}}` : i === 4 && places.account ? `\${${UNKNOWN_ACCOUNT}}` : hclString(p).slice(1, -1)));
  return `"${[...head, hclString(places.resource, keepReferences).slice(1, -1)].join(":")}"`;
}

/** The data blocks the rendered HCL refers to (unknownPlaceArn), to put before it. */
function dataBlocksFor(hcl: string): string {
  const out: string[] = [];
  if (hcl.includes(UNKNOWN_ACCOUNT)) out.push('# The account the role is deployed to (the input did not say).\ndata "aws_caller_identity" "leastrole" {}\n');
  if (hcl.includes(UNKNOWN_REGION)) out.push('# The region the role is deployed to (the input did not say).\ndata "aws_region" "leastrole" {}\n');
  return out.map((b) => `${b}\n`).join("");
}

function strings(xs: readonly string[], multilineOver = 100, keepReferences = false, arns = false): HclTuple {
  const items = xs.map((x) => ({ value: (arns ? unknownPlaceArn(x, keepReferences) : null) ?? hclString(x, keepReferences), comments: [] as string[] }));
  const length = items.reduce((n, i) => n + (i.value as string).length + 2, 0);
  return { kind: "tuple", items, multiline: length > multilineOver };
}

/**
 * A Condition block. Its ARN values are written as the Resources are (an access point the plan
 * makes: `access-point/${aws_efs_access_point.ap.id}` in the caller's account); before, they were
 * escaped (`$${…}`, `:unknown:`), a condition that matched no access point.
 */
function conditionValue(c: NonNullable<PolicyStatement["Condition"]>, keepReferences: boolean, writtenOf: WrittenOf): HclObject {
  return {
    kind: "object",
    entries: Object.keys(c)
      .sort()
      .map((op) => ({
        key: op,
        value: {
          kind: "object" as const,
          entries: Object.keys(c[op] ?? {})
            .sort()
            .map((k) => ({ key: k, value: strings(((c[op] ?? {})[k] ?? []).map(writtenOf), 100, keepReferences, true) })),
        },
      })),
  };
}

/** A Resource as the policy writes it: the expression the plan made it from (`written`), else itself. */
type WrittenOf = (resource: string) => string;

function resourceStrings(resources: readonly string[], keepReferences: boolean, writtenOf: WrittenOf): HclTuple {
  return strings(resources.map(writtenOf), 100, keepReferences, true);
}

function statementValue(st: PolicyStatement, keepReferences: boolean, writtenOf: WrittenOf): HclObject {
  const entries: { key: string; value: HclValue }[] = [];
  if (st.Sid !== undefined) entries.push({ key: "Sid", value: hclString(st.Sid) });
  entries.push({ key: "Effect", value: hclString(st.Effect) });
  if (st.Action !== undefined) entries.push({ key: "Action", value: strings(st.Action) });
  if (st.Resource !== undefined) entries.push({ key: "Resource", value: resourceStrings(st.Resource, keepReferences, writtenOf) });
  if (st.Condition !== undefined) entries.push({ key: "Condition", value: conditionValue(st.Condition, keepReferences, writtenOf) });
  return { kind: "object", entries };
}

/**
 * Comments for a statement: its provenance notes and the reason of each wildcard in it, after the
 * Resource as the body writes it (the HCL string's text). Looked up by the resolved Resource:
 * keyed by the written one (`${var.env}-orders-api:*`), a rewritten wildcard's reason was lost.
 * Names are rewritten as the body's (rewriteText).
 */
function commentsFor(st: PolicyStatement, statements: readonly GeneratedStatement[], wildcardReasons: Map<string, string>, keepReferences: boolean, writtenOf: WrittenOf, references: OutputReferences | undefined): string[] {
  const sid = st.Sid?.replace(/Part\d+$/, "");
  const gen = statements.find((s) => s.sid === sid);
  const out = (gen?.notes ?? []).map((n) => rewriteNote(n, references));
  for (const r of st.Resource ?? []) {
    if (!hasPatternWildcard(r)) continue;
    const reasons = new Set((st.Action ?? []).map((a) => wildcardReasons.get(`${a}\u0000${r}`)).filter((x): x is string => x !== undefined));
    const shown = (resourceStrings([r], keepReferences, writtenOf).items[0]?.value as string).slice(1, -1);
    for (const reason of [...reasons].sort()) {
      const text = rewriteText(reason, references);
      // A reason a note already gives (a kept grant's "not logged: …") is not said twice.
      if (!repeatsNote(text, out)) out.push(`${shown}: ${text}`);
    }
  }
  return out.map((c) => c.replace(/[\r\n]+/g, " "));
}

/**
 * The `jsonencode({...})` expression of a policy document, with comments above each statement.
 * `references` (the build's, generate's outputReferences): the Resources and names the plan made
 * from its variables or resources, written as those expressions in the body and the comments.
 */
export function policyExpression(doc: PolicyDocument, build?: Pick<PolicyBuild, "statements" | "wildcards">, indent = "  ", keepReferences = false, references?: OutputReferences): string {
  const reasons = new Map((build?.wildcards ?? []).map((w) => [`${w.action}\u0000${w.resource}`, w.reason]));
  const own = references?.language === "terraform" ? references : undefined;
  const written = own?.values ?? {};
  const writtenOf: WrittenOf = (r) => (Object.hasOwn(written, r) ? (written[r] as string) : r);
  const value: HclObject = {
    kind: "object",
    entries: [
      { key: "Version", value: hclString(doc.Version ?? "2012-10-17") },
      {
        key: "Statement",
        value: {
          kind: "tuple",
          multiline: true,
          items: doc.Statement.map((st) => ({ value: statementValue(st, keepReferences, writtenOf), comments: build ? commentsFor(st, build.statements, reasons, keepReferences, writtenOf, own) : [] })),
        },
      },
    ],
  };
  return `jsonencode(${render(value, indent)})`;
}

const TRUST: HclObject = {
  kind: "object",
  entries: [
    { key: "Version", value: hclString("2012-10-17") },
    {
      key: "Statement",
      value: {
        kind: "tuple",
        multiline: true,
        items: [
          {
            comments: [],
            value: {
              kind: "object",
              entries: [
                { key: "Action", value: hclString("sts:AssumeRole") },
                { key: "Effect", value: hclString("Allow") },
                { key: "Principal", value: { kind: "object", inline: true, entries: [{ key: "Service", value: hclString("lambda.amazonaws.com") }] } },
              ],
            },
          },
        ],
      },
    },
  ],
};

function block(type: string, name: string, entries: { key: string; value: HclValue }[], comments: string[] = []): string {
  const head = comments.map((c) => `# ${c.replace(/[\r\n]+/g, " ")}\n`).join("");
  return `${head}resource ${hclString(type)} ${hclString(name)} {\n${renderEntries(entries, "  ")}\n}\n`;
}

function raw(expr: string): string {
  return expr;
}

export interface TerraformTarget extends PolicyBuild {
  /** Shown in the header comment: the function (or role, for a union) the role is for. */
  subject: string;
  /** The document came from a Terraform plan: keep `${aws_x.y.arn}` placeholders as interpolations. */
  terraformReferences?: boolean;
  /** Today's role, when the target keeps its name: its path, and its resource name from a plan. */
  kept?: KeptRole;
}

/**
 * Terraform for one role and its policies, after the data blocks its ARNs need (an `unknown`
 * region or account becomes `data.aws_region.leastrole` / `data.aws_caller_identity.leastrole`).
 */
export function renderTerraformRole(t: TerraformTarget, name = terraformName(t.roleName)): string {
  const body = roleBlocks(t, name);
  return dataBlocksFor(body) + body;
}

/** `sharedSaid`: the output's top says the warnings' shared advice (renderTerraform): each block gives its own part only. */
function roleBlocks(t: TerraformTarget, name: string, sharedSaid = false): string {
  const id = name;
  // The plan's own references (a template's are not Terraform's to write).
  const own = t.terraformReferences === true && t.references?.language === "terraform" ? t.references : undefined;
  const header = [`Least-privilege execution role for ${rewriteText(t.subject, own)}, generated by leastrole.`];
  for (const e of t.exceptions) header.push(`Kept exception (${e.function}): ${e.reason} — ${e.actions.join(", ")}`);
  for (const w of t.warnings) {
    const text = sharedSaid ? ownPart(w) : w.message;
    if (text !== "") header.push(`Warning (${w.code}): ${text}`);
  }
  if (t.kept?.lambdaModule !== undefined) return lambdaModuleBlock(t, t.kept.lambdaModule, header.filter((h) => !h.startsWith("Warning (policies-attached-elsewhere)")), own);
  const written = own?.values ?? {};
  const roleAttributes = [{ key: "name", value: Object.hasOwn(written, t.roleName) ? hclString(written[t.roleName] as string, true) : hclString(t.roleName) }];
  if (t.kept !== undefined && t.kept.path !== "/") roleAttributes.push({ key: "path", value: hclString(t.kept.path) });
  const parts: string[] = [block("aws_iam_role", id, [...roleAttributes, { key: "assume_role_policy", value: raw(`jsonencode(${render(TRUST, "  ")})`) }], header)];
  // The user's own aws_iam_role_policy of this role, which the output takes the place of (separate-policies.ts replacedPolicyResource).
  const replaced = t.separatePolicies?.find((p) => p.action === "replace");
  if (replaced?.source.address) {
    const where = [replaced.source.file, replaced.source.line === null ? null : `line ${replaced.source.line}`].filter((x) => x !== null).join(", ");
    parts[0] = block("aws_iam_role", id, [...roleAttributes, { key: "assume_role_policy", value: raw(`jsonencode(${render(TRUST, "  ")})`) }], [
      ...header,
      `The policy takes the place of ${replaced.source.address} (${where}), inline policy ${replaced.inlinePolicy}: the same address and name, so replacing that block updates the policy in place.`,
    ]);
  }
  t.policies.forEach((p, i) => {
    const tfName = replaced?.source.address ? replaced.source.address.slice("aws_iam_role_policy.".length) : policyResourceName(t, id, i);
    const expr = raw(policyExpression(p.document, t, "  ", t.terraformReferences === true, own));
    if (p.kind === "inline") {
      const name = replaced?.inlinePolicy ?? p.name;
      parts.push(
        block("aws_iam_role_policy", tfName, [
          { key: "name", value: Object.hasOwn(written, name) ? hclString(written[name] as string, true) : hclString(name) },
          { key: "role", value: raw(`aws_iam_role.${id}.id`) },
          { key: "policy", value: expr },
        ]),
      );
    } else {
      parts.push(
        block("aws_iam_policy", tfName, [
          { key: "name", value: Object.hasOwn(written, p.name) ? hclString(written[p.name] as string, true) : hclString(p.name) },
          { key: "policy", value: expr },
        ], [`Managed policy ${i + 1} of ${t.policies.length}: ${p.size} of ${p.limit} characters.`]),
      );
      parts.push(
        block("aws_iam_role_policy_attachment", tfName, [
          { key: "role", value: raw(`aws_iam_role.${id}.name`) },
          { key: "policy_arn", value: raw(`aws_iam_policy.${tfName}.arn`) },
        ]),
      );
    }
  });
  return parts.join("\n");
}

/**
 * The role of a terraform-aws-modules/lambda call: its resources are the module's, which the
 * configuration cannot replace or remove (a second `aws_iam_role` of the same name fails at apply,
 * "EntityAlreadyExists"). The policy goes to the call's own inputs instead: `policy_json` (or
 * `policy_jsons`, when it is split), and the `attach_*` inputs whose policies the role has today
 * turned off, so that the module attaches the generated policy alone.
 */
function lambdaModuleBlock(t: TerraformTarget, lambdaModule: { call: string; inputsOff: string[]; resetTrust: boolean }, header: string[], own: OutputReferences | undefined): string {
  const { call, inputsOff } = lambdaModule;
  // `module.lambda_function` is written `module "lambda_function"`; a nested or for_each call's
  // inputs are set where that call is written (its block, or the instance's map entry).
  const single = /^module\.([A-Za-z_][A-Za-z0-9_-]*)$/.exec(call);
  header.push(
    `Today's role is ${call}.aws_iam_role.lambda[0], made by the terraform-aws-modules/lambda module: its resources cannot be replaced from this configuration, so the policy goes to the module call's inputs${single ? "" : ` (set them where ${call} is called)`}: set these in the call, in place of any argument of the same name, and keep its other arguments.`,
  );
  const exprs = t.policies.map((p) => raw(policyExpression(p.document, t, "  ", t.terraformReferences === true, own)));
  const entries: { key: string; value: HclValue }[] = inputsOff.map((key) => ({ key, value: raw("false") }));
  if (lambdaModule.resetTrust) {
    // The module's own trust policy (Lambda's, and Lambda@Edge's with lambda_at_edge) with nothing added.
    header.push("Today's trust policy lets more than Lambda assume the role (trusted_entities, assume_role_policy_statements): the inputs below leave Lambda's alone; give other callers a role of their own.");
    entries.push({ key: "trusted_entities", value: raw("[]") }, { key: "assume_role_policy_statements", value: raw("{}") });
  }
  if (exprs.length === 1) entries.push({ key: "attach_policy_json", value: raw("true") }, { key: "policy_json", value: exprs[0] as HclValue });
  else {
    if (!inputsOff.includes("attach_policy_json")) entries.push({ key: "attach_policy_json", value: raw("false") });
    entries.push({ key: "attach_policy_jsons", value: raw("true") }, { key: "number_of_policy_jsons", value: raw(String(exprs.length)) }, { key: "policy_jsons", value: raw(`[\n${exprs.map((e) => `    ${render(e, "    ")},`).join("\n")}\n  ]`) });
  }
  const comments = header.map((h) => `# ${h.replace(/[\r\n]+/g, " ")}`).join("\n");
  return `${comments}\nmodule "${single ? single[1] : terraformName(call)}" {\n${renderEntries(entries, "  ")}\n}\n`;
}

/** The resource name of a role's `i`th policy (and its attachment): the role's, or `<role>_<i+1>` when there are several. */
function policyResourceName(t: Pick<TerraformTarget, "policies">, id: string, i: number): string {
  return t.policies.length === 1 ? id : `${id}_${i + 1}`;
}

/**
 * The name today's role has in its plan, else its template's logical ID as a Terraform name. A
 * logical ID is alphanumeric but may start with a digit (CloudFormation deploys `1FnRole`;
 * aws-cdk#26075), which Terraform refuses ("A name must start with a letter or underscore"):
 * such an ID gets a leading `_`, as terraformName gives any name. Before, `resource "aws_iam_role"
 * "1FnRole"` went out, and the configuration did not load.
 */
function keptName(t: TerraformTarget): string | undefined {
  return t.kept?.terraformName ?? (t.kept?.logicalId === undefined ? undefined : terraformName(t.kept.logicalId));
}

/**
 * A resource name per target, such that no name any target's blocks use (role, policies,
 * attachments) is used by another target's (allocateNames): Terraform rejects a module declaring
 * one resource twice. `orders.api` and `orders_api` both sanitise to `orders_api`; the repeat is
 * numbered (`orders_api_2`). One namespace for all types: conservative, and a role and its single
 * policy share a name only within one target. A role read from the plan's root module keeps its
 * resource name.
 */
function resourceNames(targets: readonly TerraformTarget[]): string[] {
  return allocateNames(
    targets,
    (t) => keptName(t) !== undefined,
    (t, n, keep) => {
      const base = keptName(t) ?? terraformName(t.roleName);
      const id = n === 1 ? base : `${base}_${n}`;
      return [id, ...t.policies.map((_p, i) => policyResourceName(t, id, i))];
    },
  ).map((names) => names[0] as string);
}

/** Terraform for several roles (the role-per-function split), separated by blank lines. */
export function renderTerraform(targets: readonly TerraformTarget[]): string {
  const names = resourceNames(targets);
  const body = targets.map((t, i) => roleBlocks(t, names[i] as string, true)).join("\n");
  // Advice several roles share is said once at the top, naming the roles; each block keeps its own part.
  const shared = sharedAdviceOf(targets, (t) => t.roleName)
    .map((a) => `# Warning (${a.code}) for ${a.names.join(", ")}: ${a.advice.replace(/[\r\n]+/g, " ")}\n`)
    .join("");
  // Once for all roles: a module may declare a data source only once.
  return (shared === "" ? "" : `${shared}\n`) + dataBlocksFor(body) + body;
}
