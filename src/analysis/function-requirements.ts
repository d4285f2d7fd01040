/**
 * Evaluates a function's required permissions (requirements.ts) against its execution role with
 * the IAM engine, and finds the VPC and X-Ray capabilities a role grants that none of its
 * functions needs (LR005, LR006, LR007, LR010).
 */
import type { LambdaFunction, PolicyDocument, Role } from "../model/document.js";
import type { Requirement, UnneededCapability } from "../model/analysis.js";
import { actionApplies, evaluateRequest } from "./iam.js";
import { principalContext, timeOf } from "./context.js";
import { pointers, type PrincipalPolicies } from "./policies.js";
import { inVpc, requiredPermissions, runConfigurations, TRACING_ACTIONS, VPC_ACTIONS, VPC_SUBNET_DISCOVERY } from "./requirements.js";

/** The VPC actions that only read (see unneededCapabilities). */
const VPC_READS: ReadonlySet<string> = new Set(["ec2:DescribeNetworkInterfaces", VPC_SUBNET_DISCOVERY]);

const POLLER_VPC_KINDS = new Set(["kafka", "self-managed-kafka", "mq", "docdb"]);

/**
 * The calls whose request carries `lambda:SourceFunctionArn`: "Lambda adds it" to CloudWatch Logs'
 * CreateLogGroup, CreateLogStream and PutLogEvents, X-Ray's PutTraceSegments and EFS's ClientMount,
 * made from the execution environment; the calls Lambda makes outside it with the execution role
 * (network interfaces, reading an event source, destinations) do not carry it (Lambda developer
 * guide, "Using source function ARN to control function access behavior"). On those a grant
 * conditioned on the key does not apply: it was "conditional", and LR006/LR010 kept silent about
 * a role whose ENI or polling grants all required it (the rules sweep of session 59).
 */
const SOURCE_FUNCTION_ARN_ACTIONS: ReadonlySet<string> = new Set(["logs:CreateLogGroup", "logs:CreateLogStream", "logs:PutLogEvents", "xray:PutTraceSegments", "elasticfilesystem:ClientMount"]);
const NO_SOURCE_FUNCTION_ARN: readonly string[] = Object.freeze(["lambda:SourceFunctionArn"]);

/** The ENI actions Lambda (and its pollers) call with the execution role, which act on a network interface. */
const ENI_WRITES: ReadonlySet<string> = new Set(["ec2:AssignPrivateIpAddresses", "ec2:CreateNetworkInterface", "ec2:DeleteNetworkInterface", "ec2:UnassignPrivateIpAddresses"]);

export function evaluateRequirements(fn: LambdaFunction, role: Role | null, policies: PrincipalPolicies | null): Requirement[] {
  const required = requiredPermissions(fn);
  // Each requirement is written field by field, not as `{ ...r, … }` after a rest pattern: V8
  // copies rest and spread properties one by one in its runtime, and this runs for every
  // requirement of every function (about 60,000 at 10,000 functions). The key order is the same.
  if (role === null || policies === null) {
    const explanation = `The execution role ${fn.roleArn} is not in the inputs.`;
    return required.map((r) => ({ purpose: r.purpose, subject: r.subject, action: r.action, resource: r.resource, essential: r.essential, decision: "no-role" as const, explanation, statements: [] }));
  }
  // One context per function (its region): every requirement's request shares it.
  const context = principalContext(role.arn, { "aws:RequestedRegion": fn.region });
  const earliestTime = policies.earliestTime;
  // `identityOnly`: another account's resource whose policy the inputs cannot hold, judged on the
  // role's policies as if it were in the role's account (requirements.ts).
  const roleAccount = role.arn.split(":")[4] ?? "";
  const evaluate = (resource: string, action: string, identityOnly = false, keys?: Readonly<Record<string, string>>) => {
    const absentKeys = SOURCE_FUNCTION_ARN_ACTIONS.has(action) ? undefined : NO_SOURCE_FUNCTION_ARN;
    // The usual requirement (no keys of its own, the role's account): the request as a literal,
    // without the spreads below (~10⁵ requests at 10,000 functions).
    if (keys === undefined && !identityOnly) {
      return evaluateRequest({
        identityPolicies: policies.identity,
        permissionsBoundary: policies.boundary,
        request: earliestTime === null ? { action, resource, principalArn: role.arn, context, absentKeys } : { action, resource, principalArn: role.arn, context, earliestTime, absentKeys },
      });
    }
    // A requirement's own keys (an EFS mount's access point) join the function's context.
    const ctx = keys === undefined ? context : principalContext(role.arn, { "aws:RequestedRegion": fn.region, ...keys });
    const base = { action, resource, principalArn: role.arn, context: ctx, absentKeys, ...(identityOnly ? { resourceAccount: roleAccount } : {}) };
    return evaluateRequest({
      identityPolicies: policies.identity,
      permissionsBoundary: policies.boundary,
      request: earliestTime === null ? base : { ...base, earliestTime },
    });
  };
  return required.map((r) => {
    const identityOnly = r.identityOnly === true;
    let result = evaluate(r.resource, r.action, identityOnly, r.context);
    for (const alt of r.alternativeResources ?? []) {
      if (result.decision !== "implicit-deny") break;
      result = evaluate(alt, r.action, identityOnly, r.context);
    }
    // The ENI writes are required on `*` (requirements.ts resourceFor), but IAM authorises them on
    // the network interface: a grant on the account's interfaces in the function's Region
    // (`arn:aws:ec2:us-east-1:111122223333:*/*`, the Lambda guide's own example for
    // DeleteNetworkInterface) is enough. CreateNetworkInterface is also authorised on the subnet and
    // security group, which this does not check. Before, only a grant on `*` passed, and LR006 said
    // the guide's policy "does not allow ec2:DeleteNetworkInterface" (the rules sweep of session 59).
    if (result.decision === "implicit-deny" && r.resource === "*" && ENI_WRITES.has(r.action)) {
      result = evaluate(`arn:${fn.arn.split(":")[1] ?? "aws"}:ec2:${fn.region}:${fn.accountId}:network-interface/*`, r.action);
    }
    // An action AWS accepts in its place (kafka:DescribeCluster for DescribeClusterV2): allowed
    // when that one is; the requirement keeps the action `generate` writes.
    for (const action of r.alternativeActions ?? []) {
      if (result.decision === "allowed") break;
      const other = evaluate(r.resource, action, identityOnly);
      if (other.decision === "allowed") result = other;
    }
    // An EFS mount is authorised on the access point's file system, which its ARN does not name
    // (requirements.ts efsFileSystems): a grant on a file system of the access point's account and
    // Region the role names (`file-system/fs-0123…`) may be that one. Undecidable, as an unresolved
    // reference is; before generate and the rules shared this requirement, the question never came up.
    if (result.decision === "implicit-deny" && r.purpose === "file-system") {
      const named = namedFileSystems(policies, r.action, r.resource).find((fs) => evaluate(fs, r.action, false, r.context).decision === "allowed");
      if (named !== undefined) {
        return {
          purpose: r.purpose,
          subject: r.subject,
          action: r.action,
          resource: r.resource,
          essential: r.essential,
          decision: "unresolved" as const,
          explanation: `The inputs do not say which file system the access point ${r.subject} belongs to; ${r.action} is allowed on ${named}, which may be it.`,
          statements: [],
        };
      }
    }
    if (result.decision === "implicit-deny" && hasTemplateReference(r.resource) && grantsActionSomewhere(policies, r.action)) {
      return {
        purpose: r.purpose,
        subject: r.subject,
        action: r.action,
        resource: r.resource,
        essential: r.essential,
        decision: "unresolved" as const,
        explanation: `The resource ${r.resource} is an unresolved template reference; a statement grants ${r.action} on resources that may be the same one.`,
        statements: [],
      };
    }
    const explanation = result.decision === "allowed" ? "" : result.explanation.summary;
    return { purpose: r.purpose, subject: r.subject, action: r.action, resource: r.resource, essential: r.essential, decision: result.decision, explanation, statements: pointers(result.explanation.statements) };
  });
}

/**
 * An IaC placeholder the readers could not resolve (`${Queue.Arn}`, `${AWS::Region}`), as opposed to
 * an IAM policy variable (`${aws:username}`), which only appears in policies, never in a function's
 * configuration.
 */
function hasTemplateReference(arn: string): boolean {
  return /\$\{[^}]*\}/.test(arn);
}

/**
 * Whether the action could be allowed on some resource: an identity policy grants it somewhere,
 * and so does the permissions boundary when there is one. A boundary that grants it nowhere
 * denies it whatever the reference turns out to name (before, such a deny was "unresolved" and
 * LR010 stayed silent).
 */
function grantsActionSomewhere(policies: PrincipalPolicies, action: string): boolean {
  const grants = (p: { document: PolicyDocument }) => p.document.Statement.some((st) => st.Effect === "Allow" && actionApplies(st, action));
  return policies.identity.some(grants) && (policies.boundary === null || grants(policies.boundary));
}

/**
 * The file systems the role's Allow statements name for the action in the Region and account of
 * `fileSystems` (`arn:…:file-system/*`), each one without a wildcard, sorted.
 */
function namedFileSystems(policies: PrincipalPolicies, action: string, fileSystems: string): string[] {
  const prefix = fileSystems.slice(0, -1);
  const out = new Set<string>();
  for (const p of policies.identity) {
    for (const st of p.document.Statement) {
      if (st.Effect !== "Allow" || !actionApplies(st, action)) continue;
      for (const resource of [st.Resource ?? []].flat()) {
        if (resource.startsWith(prefix) && !/[*?]|\$\{/.test(resource)) out.add(resource);
      }
    }
  }
  return [...out].sort();
}

/**
 * VPC and tracing capabilities the role grants (allowed on `*`) although none of its functions
 * needs them. A capability needed by one function of a shared role is not "unneeded" for the
 * others: removing it would break that function (LR001 reports the sharing).
 */
export function unneededCapabilities(role: Role, policies: PrincipalPolicies, fns: readonly LambdaFunction[]): UnneededCapability[] {
  const out: UnneededCapability[] = [];
  // Event sources inside a VPC (MSK, Amazon MQ, DocumentDB, self-managed Kafka) make Lambda's
  // pollers create network interfaces with the execution role even for a function outside any VPC.
  // Published versions running with the role count as much as $LATEST (runConfigurations).
  const needsVpc = fns.some((f) => runConfigurations(f, role.arn).some((c) => inVpc(c)) || f.triggers.some((t) => POLLER_VPC_KINDS.has(t.kind)));
  const needsTracing = fns.some((f) => runConfigurations(f, role.arn).some((c) => c.tracingMode === "Active"));
  const check = (purpose: "vpc" | "tracing", actions: readonly string[]) => {
    const granted: string[] = [];
    const refs = [];
    for (const action of actions) {
      const r = evaluateRequest({
        identityPolicies: policies.identity,
        permissionsBoundary: policies.boundary,
        request: { action, resource: "*", principalArn: role.arn, context: principalContext(role.arn), ...timeOf(policies.earliestTime) },
      });
      if (r.decision === "allowed") {
        granted.push(action);
        refs.push(...r.explanation.statements);
      }
    }
    // ec2:DescribeNetworkInterfaces and ec2:DescribeSubnets alone are reads a function's own code
    // makes (a custom resource that looks up a VPC endpoint's interfaces or a subnet), not a VPC
    // attachment left behind: the capability is the interfaces Lambda creates and deletes, so it is
    // unneeded only when one of those is granted, and then the reads are listed with them.
    if (purpose === "vpc" && !granted.some((a) => !VPC_READS.has(a))) return;
    if (granted.length > 0) out.push({ purpose, actions: granted.sort(), statements: pointers(refs) });
  };
  // The six actions of the Lambda Developer Guide's list, as AWSLambdaVPCAccessExecutionRole v3
  // grants them (requirements.ts): before, ec2:DescribeSubnets was left out, so a role outside any
  // VPC with that policy was told to remove five of its six VPC actions.
  if (!needsVpc) check("vpc", [...VPC_ACTIONS, VPC_SUBNET_DISCOVERY]);
  if (!needsTracing) check("tracing", TRACING_ACTIONS);
  return out;
}
