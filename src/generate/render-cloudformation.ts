/**
 * CloudFormation and SAM output (YAML, written with the `yaml` package's document API so comments
 * sit right above the statements they explain).
 *
 * - `renderCloudFormation`: a template with one `AWS::IAM::Role` per target (AssumeRolePolicyDocument
 *   trusting lambda.amazonaws.com, `Policies` for the inline policy), plus `AWS::IAM::ManagedPolicy`
 *   resources referenced from `ManagedPolicyArns` when the policy had to be split.
 * - `renderSamPolicies`: the `Policies:` property of an `AWS::Serverless::Function` (inline policy
 *   documents, or `Ref`s to the `AWS::IAM::ManagedPolicy` resources it declares beside it under
 *   `Resources:` when the policy had to be split).
 *
 * Strings that a YAML 1.1 parser would read as something else (`2012-10-17` as a date, `no` as a
 * boolean, account IDs as numbers) are double-quoted: CloudFormation tooling is not all YAML 1.2.
 */

import type { Document as YamlDocument, Node } from "yaml";
import { yaml } from "../yaml.js";
import type { PolicyDocument, PolicyStatement } from "../model/document.js";
import type { KeptRole, PolicyBuild, SizedPolicy } from "./types.js";
import { repeatsNote, rewriteNote, rewriteText } from "./references.js";
import { allocateNames } from "./names.js";
import { unknownPlaces } from "./unknown-places.js";
import { DEFAULT_MANAGED_POLICIES_PER_ROLE } from "./size.js";
import { ownPart, sharedAdviceOf } from "./shared-advice.js";
import type { SamFunctionPlace } from "./sam-place.js";
import { cdkSingleton } from "../sources/cloudformation/cdk-handlers.js";

/** Alphanumeric CloudFormation logical ID from any text (max 255). */
export function logicalId(s: string, suffix: string): string {
  const body = s
    .split(/[^A-Za-z0-9]+/)
    .filter((w) => w !== "")
    .map((w) => (w[0] as string).toUpperCase() + w.slice(1))
    .join("");
  const id = /^[A-Za-z]/.test(body) ? body : `R${body}`;
  // The body is cut, not the suffix: `…Role` and `…Policy1` of one long name must stay distinct.
  return `${id.slice(0, Math.max(1, 255 - suffix.length))}${suffix}`;
}

const YAML11_SPECIAL = /^(?:[-+.0-9].*|y|Y|yes|Yes|YES|n|N|no|No|NO|true|True|TRUE|false|False|FALSE|on|On|ON|off|Off|OFF|null|Null|NULL|~|)$/;

function quoteAmbiguous(doc: YamlDocument): void {
  yaml().visit(doc, {
    Scalar(_key, node) {
      if (typeof node.value === "string" && YAML11_SPECIAL.test(node.value)) node.type = "QUOTE_DOUBLE";
    },
  });
}

/**
 * The comments above a statement: its provenance notes, and each wildcard's reason after the
 * Resource as the body writes it (`Fn::Sub`'s text), names rewritten as the body's (rewriteText).
 */
function statementComments(t: CloudFormationTarget, sid: string | undefined): string {
  const gen = t.statements.find((s) => s.sid === sid?.replace(/Part\d+$/, ""));
  const lines = (gen?.notes ?? []).map((n) => notePlaces(commentPlaceholders(rewriteNote(n, ownReferences(t)))));
  if (gen !== undefined) {
    const value = valueOf(t);
    const reasons = new Set<string>();
    for (const w of t.wildcards) {
      if (!gen.actions.includes(w.action) || !gen.resources.includes(w.resource)) continue;
      const text = commentPlaceholders(rewriteText(w.reason, ownReferences(t)));
      // A reason a note already gives (a kept grant's "not logged: …") is not said twice.
      if (!repeatsNote(text, lines)) reasons.add(`${commentText(value(w.resource))}: ${text}`);
    }
    lines.push(...[...reasons].sort());
  }
  return lines.map((l) => ` ${l.replace(/[\r\n]+/g, " ")}`).join("\n");
}

/**
 * A note's ARNs with the reader's `unknown` region and account as the body writes them
 * (`${AWS::Region}`, `${AWS::AccountId}`, subjectText does the same for the header): before,
 * `required (dead-letter): arn:aws:sqs:unknown:unknown:${Dlq.QueueName}` stood above a
 * Resource that names the stack's own region and account.
 */
function notePlaces(text: string): string {
  // Both ways of writing the body (cloudFormationValue, cloudFormationPlaceValue) fill them.
  return text.replace(/arn:[^\s,;()]+/g, (arn) => {
    const places = unknownPlaces(arn);
    return places === null ? arn : withStackPlaces(places);
  });
}

function annotate(doc: YamlDocument, path: (string | number)[], policy: PolicyDocument, t: CloudFormationTarget): void {
  policy.Statement.forEach((st, i) => {
    const node = doc.getIn([...path, "Statement", i], true) as Node | undefined;
    if (node === undefined || yaml().isScalar(node)) return;
    const comment = statementComments(t, st.Sid);
    if (comment !== "") node.commentBefore = comment;
  });
}

const TRUST = {
  Version: "2012-10-17",
  Statement: [{ Effect: "Allow", Principal: { Service: "lambda.amazonaws.com" }, Action: "sts:AssumeRole" }],
};

export interface CloudFormationTarget extends PolicyBuild {
  subject: string;
  /**
   * The document came from a CloudFormation/SAM template: `${Logical.Attr}` placeholders and
   * `unknown` region/account parts become `Fn::Sub` (`${AWS::Region}`, `${AWS::AccountId}`).
   */
  cloudFormationReferences?: boolean;
  /** Today's role, when the target keeps its name: its path, and its logical ID from a template. */
  kept?: KeptRole;
  /**
   * The template the role goes in: its own when read from one, else its function's (a split
   * role). Targets of several templates (the stacks and nested stacks of a CDK assembly) are
   * written one template each.
   */
  template?: string;
}

/**
 * A CloudFormation placeholder as the template reader writes it: `${Queue}`, `${Table.StreamArn}`,
 * or a pseudo parameter it could not fill in (`${AWS::StackName}`, `${AWS::Region}`).
 */
export const CFN_REFERENCE = /^(?:AWS::[A-Za-z]+|[A-Za-z0-9]+(?:\.[A-Za-z0-9.]+)?)$/;

/** A string of the output as a template writes it: text, Fn::Sub (with a variable map for a Fn::FindInMap), or a Fn::FindInMap. */
export type CloudFormationValue = string | { "Fn::Sub": string | [string, { [variable: string]: unknown }] } | { "Fn::FindInMap": unknown[] };

/** The template reader's placeholder for a Fn::FindInMap keyed by parameters (intrinsics.ts findInMapPlaceholder). */
const FIND_IN_MAP = /\$\{Fn::FindInMap:([^:{}]*):([^:{}]*):([^:{}]*)\}/g;

/** A placeholder's arguments as Fn::FindInMap takes them: `(Env)` → `{Ref: Env}`, literal keys unescaped. */
function findInMapArguments(args: readonly string[]): unknown[] {
  return args.map((x) => {
    const parameter = /^\(([A-Za-z0-9]+)\)$/.exec(x);
    return parameter !== null ? { Ref: parameter[1] as string } : x.replace(/%([0-9A-F]{2})/g, (_all, h: string) => String.fromCharCode(parseInt(h, 16)));
  });
}

/** The Fn::Sub variable a Fn::FindInMap is given as: its map's and keys' letters and digits (`EnvMapEnvTable`). */
function findInMapVariable(args: readonly string[]): string {
  const name = args.map((x) => x.replace(/%[0-9A-F]{2}/g, "").replace(/[^A-Za-z0-9]/g, "")).join("");
  return /^[A-Za-z]/.test(name) ? name : `Map${name}`;
}

/**
 * A string with Fn::FindInMap placeholders as CloudFormation writes it: the lookup itself when it
 * is the whole string, else Fn::Sub with a variable per lookup (`${EnvMapEnvTable}` ←
 * `!FindInMap [EnvMap, !Ref Env, Table]`; Fn::Sub's text cannot hold another function). Why: the
 * reader resolved the lookup with the defaults (`orders-dev`), and that literal was written,
 * naming the dev table in every stack.
 */
function findInMapValue(s: string): CloudFormationValue | null {
  const whole = new RegExp(`^${FIND_IN_MAP.source}$`).exec(s);
  if (whole !== null) return { "Fn::FindInMap": findInMapArguments(whole.slice(1)) };
  if (!s.includes("${Fn::FindInMap:")) return null;
  const taken = new Set([...s.matchAll(/\$\{([^}]*)\}/g)].map((m) => m[1] as string));
  const variables: { [variable: string]: unknown } = {};
  const named = new Map<string, string>();
  const text = s.replace(FIND_IN_MAP, (all, m: string, a: string, b: string) => {
    let name = named.get(all);
    if (name === undefined) {
      const base = findInMapVariable([m, a, b]);
      name = base;
      for (let n = 2; taken.has(name); n++) name = `${base}${n}`;
      taken.add(name);
      named.set(all, name);
      variables[name] = { "Fn::FindInMap": findInMapArguments([m, a, b]) };
    }
    return `\${${name}}`;
  });
  const sub = cloudFormationValue(text);
  return { "Fn::Sub": [typeof sub === "string" ? sub : (commentText(sub) as string), variables] };
}

/** A value's text for a comment: the Fn::Sub text (its variables' names), a lookup as `!FindInMap [...]`. */
function commentText(v: CloudFormationValue): string {
  if (typeof v === "string") return v;
  if ("Fn::FindInMap" in v) return `!FindInMap [${v["Fn::FindInMap"].map((x) => (typeof x === "string" ? x : `!Ref ${(x as { Ref: string }).Ref}`)).join(", ")}]`;
  const sub = v["Fn::Sub"];
  return typeof sub === "string" ? sub : sub[0];
}

/**
 * The function a target is for, in a comment as the body writes ARNs: parameters as references, an
 * unknown region and account as the stack's (`arn:aws:lambda:${AWS::Region}:${AWS::AccountId}:function:Consumer`,
 * not the reader's `arn:aws:lambda:unknown:unknown:…`, which names no function anywhere).
 */
function subjectText(t: Pick<CloudFormationTarget, "subject" | "cloudFormationReferences" | "references">): string {
  const text = commentPlaceholders(rewriteText(t.subject, ownReferences(t)));
  const places = unknownPlaces(text);
  return places === null ? text : withStackPlaces(places);
}

/**
 * An ARN the readers left with an `unknown` region or account (unknownPlaces), with the stack's own
 * (`${AWS::Region}`, `${AWS::AccountId}`) in their place; `literal` applied to every other part.
 */
function withStackPlaces(places: NonNullable<ReturnType<typeof unknownPlaces>>, literal: (part: string) => string = (part) => part): string {
  return [...places.head.map((p, i) => (i === 3 && places.region ? "${AWS::Region}" : i === 4 && places.account ? "${AWS::AccountId}" : literal(p))), literal(places.resource)].join(":");
}

/** A comment's text with the reader's Fn::FindInMap placeholders as the body's Fn::Sub variables (`${EnvMapEnvTable}`). */
function commentPlaceholders(text: string): string {
  return text.replace(FIND_IN_MAP, (_all, m: string, a: string, b: string) => `\${${findInMapVariable([m, a, b])}}`);
}

/**
 * A string with the reader's `${ImportValue:<export>}` placeholders (an export name may hold
 * parameters, `${ImportValue:${Env}-queue-arn}`) as CloudFormation writes it: Fn::Sub with a
 * variable per import (`${Import1}` ← `!ImportValue …`; Fn::Sub's text cannot hold another
 * function). Why: the placeholder was written as literal text, a Resource naming nothing, so an
 * SQS event on an imported queue got a policy that could not read the queue.
 */
function importValue(s: string): CloudFormationValue | null {
  if (!s.includes("${ImportValue:")) return null;
  const taken = new Set([...s.matchAll(/\$\{([A-Za-z0-9]+)\}/g)].map((m) => m[1] as string));
  const variables: { [variable: string]: unknown } = {};
  const named = new Map<string, string>();
  let text = "";
  let i = 0;
  for (let at = s.indexOf("${ImportValue:"); at >= 0; at = s.indexOf("${ImportValue:", i)) {
    // The placeholder ends at the brace that closes it: an export name's own `${Env}` nests one level.
    let depth = 0;
    let end = -1;
    for (let j = at; j < s.length; j++) {
      if (s[j] === "{") depth++;
      else if (s[j] === "}" && --depth === 0) {
        end = j;
        break;
      }
    }
    if (end < 0) break;
    const exportName = s.slice(at + "${ImportValue:".length, end);
    let name = named.get(exportName);
    if (name === undefined) {
      let n = named.size + 1;
      while (taken.has(`Import${n}`)) n++;
      name = `Import${n}`;
      taken.add(name);
      named.set(exportName, name);
      const value = cloudFormationValue(exportName);
      variables[name] = { "Fn::ImportValue": value };
    }
    text += `${s.slice(i, at)}\${${name}}`;
    i = end + 1;
  }
  if (named.size === 0) return null;
  text += s.slice(i);
  const sub = cloudFormationValue(text);
  return { "Fn::Sub": [typeof sub === "string" ? sub : (commentText(sub) as string), variables] };
}

/**
 * A Resource string as CloudFormation should see it: unchanged when it has no placeholder, else
 * `{ "Fn::Sub": … }` with IAM policy variables escaped as `${!aws:username}` (Fn::Sub's literal form)
 * and the reader's `unknown` region/account filled with the pseudo parameters; a Fn::FindInMap
 * placeholder as findInMapValue writes it.
 */
export function cloudFormationValue(s: string): CloudFormationValue {
  const imported = importValue(s);
  if (imported !== null) return imported;
  const mapped = findInMapValue(s);
  if (mapped !== null) return mapped;
  const places = unknownPlaces(s);
  const refs = [...s.matchAll(/\$\{([^}]*)\}/g)].some((m) => CFN_REFERENCE.test(m[1] as string));
  if (places === null && !refs) return s;
  // The pseudo parameters filled in are CFN_REFERENCEs: the escaping below keeps them.
  const text = places === null ? s : withStackPlaces(places);
  return { "Fn::Sub": text.replace(/\$\{([^}]*)\}/g, (all, inner: string) => (CFN_REFERENCE.test(inner) ? all : `\${!${inner}}`)) };
}

/**
 * A Resource string from a document that did not come from a template (a Terraform plan): only the
 * reader's `unknown` region/account are filled with the pseudo parameters (the stack's own region
 * and account, where the role is deployed); any `${…}` in it is literal text (`${!…}`). Left as
 * `unknown`, the log group ARN matched no log group and the function could not log.
 */
export function cloudFormationPlaceValue(s: string): string | { "Fn::Sub": string } {
  const places = unknownPlaces(s);
  if (places === null) return s;
  const literal = (x: string): string => x.replace(/\$\{/g, "${!");
  return { "Fn::Sub": withStackPlaces(places, literal) };
}

/**
 * A string of the output (a Resource, the role's name) as the target writes it: with the
 * template's parameters where the template made it from them (`references`, generate's
 * outputReferences), else as cloudFormationValue or, for a document of no template,
 * cloudFormationPlaceValue.
 */
function valueOf(t: Pick<CloudFormationTarget, "cloudFormationReferences" | "references">): (s: string) => CloudFormationValue {
  if (t.cloudFormationReferences !== true) return cloudFormationPlaceValue;
  const written = ownReferences(t)?.values ?? {};
  return (s) => cloudFormationValue(Object.hasOwn(written, s) ? (written[s] as string) : s);
}

/**
 * The policy as the template writes it: its Resources, and its Condition values, as valueOf writes
 * a string. Why the Conditions: the EFS access point a function mounts is a condition
 * (`elasticfilesystem:AccessPointArn`), and left as the reader's text (`${AccessPoint.Arn}`, an
 * ARN with `unknown` region and account) it matched no access point once deployed, so the function
 * could not mount its file system. A value with neither (`lambda.amazonaws.com`, `${aws:username}`
 * alone) is written as it is.
 */
function withReferences(doc: PolicyDocument, t: Pick<CloudFormationTarget, "cloudFormationReferences" | "references">): unknown {
  const value = valueOf(t);
  const condition = (c: NonNullable<PolicyStatement["Condition"]>): unknown =>
    Object.fromEntries(Object.entries(c).map(([op, keys]) => [op, Object.fromEntries(Object.entries(keys).map(([k, values]) => [k, values.map(value)]))]));
  return {
    ...doc,
    Statement: doc.Statement.map((st) => {
      if (st.Resource === undefined && st.Condition === undefined) return st;
      const out: Record<string, unknown> = { ...st };
      if (st.Resource !== undefined) out.Resource = st.Resource.map(value);
      if (st.Condition !== undefined) out.Condition = condition(st.Condition);
      return out;
    }),
  };
}

/** The target's references when its body is written with them (valueOf): what its comments are rewritten with too. */
function ownReferences(t: Pick<CloudFormationTarget, "cloudFormationReferences" | "references">): CloudFormationTarget["references"] {
  return t.cloudFormationReferences === true && t.references?.language === "cloudformation" ? t.references : undefined;
}

/**
 * A name the output gives (the role's, a policy's): as the template makes it from its parameters
 * (`${Env}-orders-fn-role`, `${Env}-orders-api-least-privilege`), else the name. Role and managed
 * policy names are one per account: the dev stack's `dev-…` made a prod stack in the same account fail.
 */
function writtenName(name: string, t: CloudFormationTarget): CloudFormationValue {
  const written = ownReferences(t)?.values ?? {};
  return Object.hasOwn(written, name) ? cloudFormationValue(written[name] as string) : name;
}

/** The role's name as the output writes it (writtenName). */
function roleNameOf(t: CloudFormationTarget): CloudFormationValue {
  return writtenName(t.roleName, t);
}

/** A policy's name as the output writes it (writtenName). */
function policyNameOf(p: SizedPolicy, t: CloudFormationTarget): CloudFormationValue {
  return writtenName(p.name, t);
}

function headerOf(targets: readonly CloudFormationTarget[], ids?: readonly TargetIds[]): string {
  const lines = [" Least-privilege execution roles generated by leastrole."];
  targets.forEach((t, i) => {
    // The role and the function as the body names them: `${Env}-orders-fn-role: for …:function:${Env}-orders-api`.
    lines.push(` ${commentText(roleNameOf(t))}: for ${subjectText(t)}`);
    // A CDK app's template is cdk synth's output: said where in the app the role is made, since
    // pasting into cdk.out is undone by the next synth (before, only the logical ID was given).
    const construct = t.kept?.construct;
    if (construct !== undefined && cdkSingleton(construct)) {
      // The CDK's own handlers (AwsCustomResource's AWS679f53fac002430cb0da5b7982bd2287, the
      // BucketNotificationsHandler, LogRetention, a Custom::…CustomResourceProvider) are singletons
      // the user's code never declares: a role: prop of a function of theirs does not reach them.
      lines.push(`   CDK: the role is the construct ${construct}, a handler the CDK adds for the constructs that use it: cdk synth rewrites this template, so change it through their props where they have one (AwsCustomResource's policy or role, a Bucket's notificationsHandlerRole, a Function's logRetentionRole).`);
    } else if (construct !== undefined) {
      lines.push(`   CDK: the role is the construct ${construct}; cdk synth rewrites this template, so change the role there in the app (its statements, or the function's role: prop for a role of these).`);
    }
    const made = t.kept?.samMadeFrom;
    const id = ids?.[i]?.roleId;
    if (made !== undefined && id !== undefined) {
      lines.push(`   SAM makes ${t.roleName} from ${made}'s Policies and refuses a second resource with that logical ID: add ${id} to the template's Resources, set ${made}'s Role: !GetAtt ${id}.Arn and remove its Policies (or use --format sam, which writes the Policies list).`);
    }
    // A connector names the function's role through the function's Role: its policy follows the
    // function to this role, beside what leastrole generated (before, the header did not say so).
    const connectors = t.kept?.connectorPolicies ?? [];
    if (connectors.length > 0) {
      lines.push(`   The template's connectors attach ${connectors.join(", ")} to the role the function runs with, this one too: what ${connectors.length === 1 ? "it grants" : "they grant"} stays beside this policy; remove a connector the function does not need.`);
    }
    for (const e of t.exceptions) lines.push(`   kept exception (${e.function}): ${e.reason} — ${e.actions.join(", ")}`);
    // Advice the same for several roles is said once, after them (sharedAdviceOf): it was repeated in full per role.
    for (const w of t.warnings) {
      const own = ownPart(w);
      if (own !== "") lines.push(`   warning (${w.code}): ${own.replace(/[\r\n]+/g, " ")}`);
    }
  });
  for (const s of sharedAdviceOf(targets, (t) => commentText(roleNameOf(t)))) lines.push(` warning (${s.code}) for ${s.names.join(", ")}: ${s.advice.replace(/[\r\n]+/g, " ")}`);
  return lines.join("\n");
}

interface TargetIds {
  roleId: string;
  /** One per managed policy, in order. */
  policyIds: string[];
}

/**
 * Target `t`'s logical IDs numbered `n` (allocateNames): with `role`, its role's first (`…Role`,
 * or the template's own ID when `keep`), then one per managed policy (`…Policy1`, …); null when
 * two of them are alike.
 */
function idsOf(t: CloudFormationTarget, n: number, keep: boolean, role: boolean): string[] | null {
  const own = keep ? t.kept?.logicalId : undefined;
  const managed = t.policies.filter((p) => p.kind === "managed").length;
  // A role SAM makes (`ApiRole`) cannot be replaced under its ID: `ApiLeastPrivilegeRole` beside it.
  const base = own ?? (t.kept?.samMadeFrom !== undefined ? `${t.kept.samMadeFrom} least privilege` : t.roleName);
  const stem = n === 1 ? base : `${base} ${n}`;
  const roleIds = role ? [own !== undefined && n === 1 ? own : logicalId(stem, "Role")] : [];
  const all = [...roleIds, ...Array.from({ length: managed }, (_, i) => logicalId(stem, `Policy${i + 1}`))];
  return new Set(all).size === all.length ? all : null;
}

/**
 * Logical IDs for every target's role and managed policies, unique across the whole template
 * (allocateNames). Logical IDs are alphanumeric, so `orders.api` and `orders_api` both give
 * `OrdersApi`; a repeat is numbered (`OrdersApi2Role`), and a managed policy's `…Policy1` may
 * equal another role's ID. A role read from a template keeps its logical ID.
 */
function logicalIds(targets: readonly CloudFormationTarget[], taken?: Set<string>): TargetIds[] {
  return allocateNames(
    targets,
    (t) => t.kept?.logicalId !== undefined,
    (t, n, keep) => idsOf(t, n, keep, true),
    taken,
  ).map(([roleId, ...policyIds]) => ({ roleId: roleId as string, policyIds }));
}

/** A split policy's part as CloudFormation declares it; the CloudFormation and SAM outputs both do. */
function managedPolicyResource(p: SizedPolicy, t: CloudFormationTarget): unknown {
  // A role the template left CloudFormation to name: its policies are left unnamed too. A fixed
  // ManagedPolicyName made the stack need CAPABILITY_NAMED_IAM where the template needed
  // CAPABILITY_IAM, and two stacks of the template in one account collided on the name (IAM:
  // "policy names must be unique within the account").
  const name = t.kept?.generatedName === true ? {} : { ManagedPolicyName: policyNameOf(p, t) };
  return { Type: "AWS::IAM::ManagedPolicy", Properties: { ...name, PolicyDocument: withReferences(p.document, t) } };
}

interface Annotation {
  path: (string | number)[];
  policy: PolicyDocument;
  build: CloudFormationTarget;
}

/**
 * A CloudFormation template (YAML) with one execution role per target; for targets of several
 * templates, one YAML document per template (by path, then the targets of none), each keeping
 * its own logical IDs. Why: logical IDs are unique only within a stack, and a CDK app's stacks
 * (and nested stacks) reuse them (`ProcessorServiceRole5039D372` in each instance of a stack
 * class). In one template, the second stack's roles were renamed
 * (`OrdersStackAgnosticProcessorServiceRole5039D372Role`): pasted there, a new role beside
 * today's, not its replacement.
 */
export function renderCloudFormation(targets: readonly CloudFormationTarget[]): string {
  // No role, no template: "the Resources section, which must declare at least one resource"
  // (https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/template-guide.html), so
  // `Resources: {}` was a template CloudFormation refuses. Nothing, as Terraform and SAM write.
  if (targets.length === 0) return "";
  const groups = new Map<string | undefined, CloudFormationTarget[]>();
  for (const t of targets) {
    const g = groups.get(t.template);
    if (g === undefined) groups.set(t.template, [t]);
    else g.push(t);
  }
  if (groups.size <= 1) return renderTemplate(targets);
  const files = [...groups.keys()].sort((a, b) => (a === undefined ? 1 : b === undefined ? -1 : a < b ? -1 : a > b ? 1 : 0));
  return files
    .map((f) => renderTemplate(groups.get(f) as CloudFormationTarget[], f === undefined ? " For a template of your choice: the roles below were read from no template." : ` For the template ${f}: its roles keep their logical IDs (one YAML document per template).`))
    .join("---\n");
}

function renderTemplate(targets: readonly CloudFormationTarget[], section?: string): string {
  const ids = logicalIds(targets);
  const { resources, annotations } = roleResources(targets, ids);
  // Every role shares the TRUST object: by default the yaml package writes a repeat as an anchor
  // and alias (`&a1` … `*a1`), which CloudFormation rejects ("YAML aliases are not allowed").
  const doc = new (yaml().Document)({ AWSTemplateFormatVersion: "2010-09-09", Description: "Least-privilege Lambda execution roles generated by leastrole", Resources: resources }, { aliasDuplicateObjects: false });
  for (const a of annotations) annotate(doc, a.path, a.policy, a.build);
  quoteAmbiguous(doc);
  doc.commentBefore = section === undefined ? headerOf(targets, ids) : `${section}\n${headerOf(targets, ids)}`;
  return doc.toString({ lineWidth: 0 });
}

/** The `Resources` entries of each target's role and managed policies, with where their statements are. */
function roleResources(targets: readonly CloudFormationTarget[], ids: readonly TargetIds[]): { resources: { [id: string]: unknown }; annotations: Annotation[] } {
  const resources: { [id: string]: unknown } = {};
  const annotations: Annotation[] = [];
  targets.forEach((t, ti) => {
    const { roleId, policyIds } = ids[ti] as TargetIds;
    const inline = t.policies.filter((p) => p.kind === "inline");
    const managed = t.policies.filter((p) => p.kind === "managed");
    // A name the template left to CloudFormation stays so: writing the logical ID as RoleName would replace the role.
    const properties: { [k: string]: unknown } = t.kept?.generatedName === true ? {} : { RoleName: roleNameOf(t) };
    if (t.kept !== undefined && t.kept.path !== "/") properties.Path = t.kept.path;
    properties.AssumeRolePolicyDocument = TRUST;
    if (inline.length > 0) {
      properties.Policies = inline.map((p) => ({ PolicyName: policyNameOf(p, t), PolicyDocument: withReferences(p.document, t) }));
      inline.forEach((p, i) => annotations.push({ path: ["Resources", roleId, "Properties", "Policies", i, "PolicyDocument"], policy: p.document, build: t }));
    }
    if (managed.length > 0) properties.ManagedPolicyArns = policyIds.map((id) => ({ Ref: id }));
    resources[roleId] = { Type: "AWS::IAM::Role", Properties: properties };
    managed.forEach((p, i) => {
      const id = policyIds[i] as string;
      resources[id] = managedPolicyResource(p, t);
      annotations.push({ path: ["Resources", id, "Properties", "PolicyDocument"], policy: p.document, build: t });
    });
  });
  return { resources, annotations };
}

/**
 * For `--format sam`, a target whose policy cannot go into an `AWS::Serverless::Function`'s
 * `Policies` (SAM ignores them when the function has `Role:`, and only its functions have them):
 * the role as the CloudFormation output writes it, under `Resources:`, with `reason` in the header.
 * Before, such a target got a `Policies:` list that changed nothing once pasted: the role kept
 * today's policies.
 *
 * `taken`: as for renderSamPolicies, logical IDs given to the output's earlier documents.
 */
export function renderSamRole(t: CloudFormationTarget, reason: string, taken: Set<string> = new Set<string>()): string {
  const [ids] = logicalIds([t], taken);
  const { roleId } = ids as TargetIds;
  const { resources, annotations } = roleResources([t], [ids as TargetIds]);
  const doc = new (yaml().Document)({ Resources: resources }, { aliasDuplicateObjects: false });
  for (const a of annotations) annotate(doc, a.path, a.policy, a.build);
  quoteAmbiguous(doc);
  const lines = [
    ` ${reason.replace(/[\r\n]+/g, " ")}`,
    ` Instead of Properties.Policies: the execution role ${roleId} as --format cloudformation writes it, generated by leastrole, for the template's Resources${t.kept?.logicalId === roleId ? ` (it replaces ${roleId} there)` : ` (point the function at it: Role: !GetAtt ${roleId}.Arn)`}.`,
  ];
  doc.commentBefore = [...lines, ...headerOf([t]).split("\n").slice(1)].join("\n");
  return doc.toString({ lineWidth: 0 });
}

/**
 * The `Policies` property of a SAM `AWS::Serverless::Function` for one target. A policy that fits
 * the role's inline budget goes in that list as a document. A split policy's parts (`kind:
 * "managed"`, as the CloudFormation and Terraform outputs make them) go under `Resources:` as
 * `AWS::IAM::ManagedPolicy` resources, and the list refers to them (`Ref` of a managed policy is
 * its ARN, which SAM attaches to the function's role). Why: SAM makes every document in the list
 * an inline policy of the role (`FnRolePolicy0`, …), and IAM allows a role's inline policies
 * 10,240 characters together, so the parts of a policy too big for that failed to deploy.
 *
 * `taken`: logical IDs earlier targets of the same output were given (this target's are added),
 * so that the documents of one output can go into one template.
 */
export function renderSamPolicies(t: CloudFormationTarget, taken: Set<string> = new Set<string>(), place?: SamFunctionPlace): string {
  const inline = t.policies.filter((p) => p.kind === "inline");
  const managed = t.policies.filter((p) => p.kind === "managed");
  const ids = managed.length === 0 ? [] : (allocateNames([t], () => false, (x, n, keep) => idsOf(x, n, keep, false), taken)[0] as string[]);
  const resources: { [id: string]: unknown } = {};
  managed.forEach((p, i) => {
    resources[ids[i] as string] = managedPolicyResource(p, t);
  });
  const value: { [k: string]: unknown } = { Policies: [...inline.map((p) => withReferences(p.document, t)), ...ids.map((id) => ({ Ref: id }))] };
  if (managed.length > 0) value.Resources = resources;
  // No anchors/aliases for repeated objects: CloudFormation rejects YAML aliases.
  const doc = new (yaml().Document)(value, { aliasDuplicateObjects: false });
  inline.forEach((p, i) => annotate(doc, ["Policies", i], p.document, t));
  managed.forEach((p, i) => annotate(doc, ["Resources", ids[i] as string, "Properties", "PolicyDocument"], p.document, t));
  quoteAmbiguous(doc);
  const lines = [
    place === undefined
      ? ` Properties.Policies of the AWS::Serverless::Function for ${subjectText(t)}, generated by leastrole.`
      : ` Properties.Policies of the AWS::Serverless::Function ${place.function} (for ${subjectText(t)}), generated by leastrole.`,
  ];
  // SAM attaches these whatever Policies says: the role stays as broad as they are (they grant on
  // `*`), which the header said nowhere before.
  const attached = place?.attached ?? ["AWSLambdaBasicExecutionRole"];
  lines.push(
    ` SAM still attaches ${attached.join(", ")} to the role it makes (for the function's features; ${attached.length === 1 ? "it grants" : "they grant"} on *)${place !== undefined && place.inline.length > 0 ? `, and adds the inline policies ${place.inline.join(", ")}` : ""}: for a role with only this policy, use --format cloudformation and give the function Role:.`,
  );
  if (place !== undefined && place.connectors.length > 0) {
    lines.push(
      ` The template's connectors attach ${place.connectors.join(", ")} to that role too, whatever Policies says: what ${place.connectors.length === 1 ? "it grants" : "they grant"} stays; remove a connector the function does not need.`,
    );
  }
  if (managed.length > 0) {
    lines.push(
      ` Resources: the AWS::IAM::ManagedPolicy resources Policies refers to, for the template's Resources (the policy is in ${managed.length} managed polic${managed.length === 1 ? "y" : "ies"}, not inline).`,
    );
    // SAM's own managed policies (its features', its connectors') count against IAM's 10 per role by default, with ours.
    const samAttached = [...attached, ...(place?.connectors ?? [])];
    if (managed.length + samAttached.length > DEFAULT_MANAGED_POLICIES_PER_ROLE) {
      lines.push(
        ` With the ${samAttached.join(", ")} SAM attaches, the role has at least ${managed.length + samAttached.length} managed policies: more than the default ${DEFAULT_MANAGED_POLICIES_PER_ROLE} per role (a quota increase allows 20).`,
      );
    }
  }
  doc.commentBefore = [...lines, ...headerOf([t]).split("\n").slice(1)].join("\n").replace(/\n$/, "");
  return doc.toString({ lineWidth: 0 });
}
