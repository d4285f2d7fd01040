/**
 * Generator of policy/request pairs for the differential test against @cloud-copilot/iam-simulate
 * (AGPL: a devDependency used here only, never from src/). Requests use real actions with ARNs of
 * their own resource types, global condition keys, and policies drawn from pools that exercise
 * wildcards, case, NotAction, NotResource, denies, every condition operator family, boundaries and
 * resource policies.
 */
import fc from "fast-check";
import { runSimulation } from "@cloud-copilot/iam-simulate";
import { evaluateRequest, parsePolicyDocument, type Decision } from "../../../src/iam/index.js";

export const ACCOUNT = "111122223333";
export const PRINCIPAL = `arn:aws:iam::${ACCOUNT}:role/app-role`;
export const OTHER_ACCOUNT = "444455556666";
/** Callers: the role (most cases), a user of the same account, a role of another account. */
export const PRINCIPALS = [PRINCIPAL, PRINCIPAL, PRINCIPAL, `arn:aws:iam::${ACCOUNT}:user/alice`, `arn:aws:iam::${OTHER_ACCOUNT}:role/partner`];

export const REQUESTS: readonly { action: string; resource: string }[] = [
  { action: "s3:GetObject", resource: "arn:aws:s3:::bucket-a/path/file.txt" },
  { action: "s3:PutObject", resource: "arn:aws:s3:::bucket-b/x" },
  { action: "s3:ListBucket", resource: "arn:aws:s3:::bucket-a" },
  { action: "dynamodb:GetItem", resource: `arn:aws:dynamodb:us-east-1:${ACCOUNT}:table/orders-eu` },
  { action: "dynamodb:PutItem", resource: `arn:aws:dynamodb:us-east-1:${ACCOUNT}:table/orders-us` },
  { action: "lambda:InvokeFunction", resource: `arn:aws:lambda:us-east-1:${ACCOUNT}:function:fn-a` },
  { action: "sqs:SendMessage", resource: `arn:aws:sqs:us-east-1:${ACCOUNT}:queue-a` },
  { action: "iam:PassRole", resource: `arn:aws:iam::${ACCOUNT}:role/app-worker` },
  { action: "kms:Decrypt", resource: `arn:aws:kms:us-east-1:${ACCOUNT}:key/1234abcd-12ab-34cd-56ef-1234567890ab` },
  { action: "logs:PutLogEvents", resource: `arn:aws:logs:us-east-1:${ACCOUNT}:log-group:/aws/lambda/fn-a:log-stream:s1` },
  { action: "sns:Publish", resource: `arn:aws:sns:us-east-1:${ACCOUNT}:topic-a` },
  { action: "secretsmanager:GetSecretValue", resource: `arn:aws:secretsmanager:us-east-1:${ACCOUNT}:secret:db-AbCdEf` },
  { action: "s3:GetObject", resource: "arn:aws:s3:::bucket-a/alice/notes.txt" },
];

const ACTIONS = [
  "*", "s3:*", "s3:Get*", "s3:GetObject", "s3:?etObject", "S3:getobject", "s3:List*", "s3:Put*",
  "dynamodb:*Item", "dynamodb:GetItem", "dynamodb:*", "lambda:Invoke*", "lambda:*", "iam:PassRole", "iam:*",
  "sqs:*", "sqs:Send*", "kms:Decrypt", "kms:*", "logs:*", "logs:Put*", "sns:Publish", "secretsmanager:Get*", "ec2:*",
];
const RESOURCES = [
  "*", "arn:aws:s3:::bucket-a/*", "arn:aws:s3:::bucket-*", "arn:aws:s3:::bucket-a", "arn:aws:s3:::Bucket-a/*", "arn:aws:s3:::*/path/*",
  `arn:aws:dynamodb:*:${ACCOUNT}:table/orders-*`, `arn:aws:dynamodb:us-east-1:${ACCOUNT}:table/orders-eu`, "arn:aws:dynamodb:*:*:*",
  `arn:aws:lambda:us-east-1:${ACCOUNT}:function:fn-?`, `arn:aws:lambda:*:${ACCOUNT}:function:*`,
  "arn:aws:sqs:*:*:queue-a", `arn:aws:iam::${ACCOUNT}:role/app-*`, `arn:aws:iam::${ACCOUNT}:role/*`,
  `arn:aws:kms:us-east-1:${ACCOUNT}:key/*`, `arn:aws:logs:us-east-1:${ACCOUNT}:log-group:/aws/lambda/*`,
  `arn:aws:logs:*:*:log-group:/aws/lambda/fn-a:*`, `arn:aws:sns:us-east-1:${ACCOUNT}:topic-a`,
  `arn:aws:secretsmanager:*:${ACCOUNT}:secret:db-*`, "arn:aws:*:us-east-1:*:*",
  "arn:aws:s3:::bucket-a/${aws:username}/*", "arn:aws:s3:::bucket-a/${aws:PrincipalTag/team, 'alice'}/*",
];
const CONDITIONS: readonly [string, string, string[]][] = [
  ["StringEquals", "aws:PrincipalTag/team", ["blue"]],
  ["StringEquals", "aws:PrincipalTag/team", ["red", "blue"]],
  ["StringNotEquals", "aws:PrincipalTag/team", ["blue"]],
  ["StringLike", "aws:PrincipalTag/team", ["bl*"]],
  ["StringNotLike", "aws:PrincipalTag/team", ["r?d"]],
  ["StringEqualsIgnoreCase", "aws:PrincipalTag/team", ["BLUE"]],
  ["StringNotEqualsIgnoreCase", "aws:PrincipalTag/team", ["RED"]],
  ["StringEqualsIfExists", "aws:PrincipalTag/team", ["blue"]],
  ["StringEquals", "aws:RequestedRegion", ["us-east-1"]],
  ["StringNotEquals", "aws:RequestedRegion", ["us-east-1", "eu-west-1"]],
  ["IpAddress", "aws:SourceIp", ["10.0.0.0/8"]],
  ["NotIpAddress", "aws:SourceIp", ["10.0.0.0/8", "192.0.2.0/24"]],
  ["IpAddressIfExists", "aws:SourceIp", ["192.168.0.0/16"]],
  ["Bool", "aws:SecureTransport", ["true"]],
  ["Bool", "aws:SecureTransport", ["false"]],
  ["BoolIfExists", "aws:MultiFactorAuthPresent", ["true"]],
  ["NumericLessThan", "aws:MultiFactorAuthAge", ["3600"]],
  ["NumericGreaterThanEquals", "aws:MultiFactorAuthAge", ["3600"]],
  ["NumericNotEquals", "aws:MultiFactorAuthAge", ["100"]],
  ["DateGreaterThan", "aws:CurrentTime", ["2024-01-01T00:00:00Z"]],
  ["DateLessThanEquals", "aws:CurrentTime", ["2024-06-30T23:59:59Z"]],
  ["DateNotEquals", "aws:CurrentTime", ["2025-03-01T00:00:00Z"]],
  ["ArnLike", "aws:SourceArn", [`arn:aws:sns:*:${ACCOUNT}:*`]],
  ["ArnEquals", "aws:SourceArn", [`arn:aws:sns:us-east-1:${ACCOUNT}:topic-a`]],
  ["ArnNotLike", "aws:SourceArn", ["arn:aws:sqs:*:*:*"]],
  ["Null", "aws:TokenIssueTime", ["true"]],
  ["Null", "aws:TokenIssueTime", ["false"]],
  ["ForAnyValue:StringEquals", "aws:PrincipalServiceNamesList", ["lambda.amazonaws.com"]],
  ["ForAllValues:StringLike", "aws:PrincipalServiceNamesList", ["lambda.*", "ec2.amazonaws.com"]],
  ["ForAnyValue:StringNotEquals", "aws:PrincipalServiceNamesList", ["lambda.amazonaws.com"]],
  ["ForAllValues:StringNotLike", "aws:PrincipalServiceNamesList", ["ec2.*"]],
  ["StringEquals", "aws:PrincipalAccount", [ACCOUNT]],
  ["ArnLike", "aws:PrincipalArn", ["arn:aws:iam::*:role/app-*"]],
  ["StringLike", "s3:prefix", ["${aws:username}/*"]],
];
const CONTEXT_CHOICES: { [key: string]: (string | string[])[] } = {
  "aws:PrincipalTag/team": ["blue", "red", "BLUE"],
  "aws:RequestedRegion": ["us-east-1", "eu-west-1", "ap-south-1"],
  "aws:SourceIp": ["10.1.2.3", "192.0.2.10", "192.168.4.4", "203.0.113.9"],
  "aws:SecureTransport": ["true", "false"],
  "aws:MultiFactorAuthPresent": ["true", "false"],
  "aws:MultiFactorAuthAge": ["100", "3600", "7200"],
  "aws:CurrentTime": ["2023-12-31T23:59:59Z", "2024-03-01T00:00:00Z", "2025-03-01T00:00:00Z"],
  "aws:SourceArn": [`arn:aws:sns:us-east-1:${ACCOUNT}:topic-a`, `arn:aws:sqs:us-east-1:${ACCOUNT}:queue-a`],
  "aws:TokenIssueTime": ["2024-03-01T00:00:00Z"],
  "aws:PrincipalServiceNamesList": [["lambda.amazonaws.com"], ["lambda.amazonaws.com", "ec2.amazonaws.com"], ["ecs.amazonaws.com"], []],
};

const oneOrMany = <T>(arb: fc.Arbitrary<T>) => fc.oneof(arb, fc.array(arb, { minLength: 1, maxLength: 3 }));

const arbCondition = fc.option(
  fc.array(fc.constantFrom(...CONDITIONS), { minLength: 1, maxLength: 2 }).map((list) => {
    const out: { [op: string]: { [key: string]: string[] } } = {};
    for (const [op, key, values] of list) (out[op] ??= {})[key] = values;
    return out;
  }),
  { freq: 2 },
);

/** Statements biased toward the request (its action, its service, its resource), so that allows are common. */
function arbStatement(req: { action: string; resource: string }) {
  const service = req.action.split(":")[0] as string;
  const near = (list: string[]) => fc.constantFrom(...list);
  const actionArb = fc.oneof(
    { weight: 2, arbitrary: near([req.action, `${service}:*`, req.action.toUpperCase(), `${req.action.slice(0, -2)}*`, "*"]) },
    { weight: 3, arbitrary: fc.constantFrom(...ACTIONS) },
  );
  const resourceArb = fc.oneof(
    { weight: 2, arbitrary: near([req.resource, "*", `${req.resource.slice(0, -3)}*`, `${req.resource.slice(0, -1)}?`]) },
    { weight: 3, arbitrary: fc.constantFrom(...RESOURCES) },
  );
  return fc
    .record({
      Effect: fc.constantFrom("Allow", "Allow", "Allow", "Deny"),
      notAction: fc.integer({ min: 0, max: 5 }).map((n) => n === 0),
      actions: oneOrMany(actionArb),
      notResource: fc.integer({ min: 0, max: 6 }).map((n) => n === 0),
      resources: oneOrMany(resourceArb),
      Condition: arbCondition,
    })
    .map(({ Effect, notAction, actions, notResource, resources, Condition }) => {
      const st: { [k: string]: unknown } = { Effect };
      st[notAction ? "NotAction" : "Action"] = actions;
      st[notResource ? "NotResource" : "Resource"] = resources;
      if (Condition !== null) st.Condition = Condition;
      return st;
    });
}

const arbPolicy = (req: { action: string; resource: string }) =>
  fc.record({ Version: fc.constant("2012-10-17"), Statement: fc.array(arbStatement(req), { minLength: 1, maxLength: 3 }) });

const arbResourcePolicy = (req: { action: string; resource: string }) =>
  fc.option(
    fc
      .array(
        arbStatement(req).chain((st) =>
          fc
            .constantFrom<unknown>(
              "*",
              { AWS: PRINCIPAL },
              { AWS: `arn:aws:iam::${ACCOUNT}:user/alice` },
              { AWS: `arn:aws:iam::${OTHER_ACCOUNT}:role/partner` },
              { AWS: `arn:aws:iam::${ACCOUNT}:role/other` },
              { AWS: `arn:aws:iam::${ACCOUNT}:root` },
              { AWS: OTHER_ACCOUNT },
            )
            .map((Principal) => ({ ...st, Principal })),
        ),
        { minLength: 1, maxLength: 2 },
      )
      .map((Statement) => ({ Version: "2012-10-17", Statement })),
    { freq: 4 },
  );

const arbContext = fc
  .subarray(Object.keys(CONTEXT_CHOICES))
  .chain((keys) => fc.tuple(...keys.map((k) => fc.constantFrom(...(CONTEXT_CHOICES[k] as (string | string[])[])).map((v) => [k, v] as const))))
  .map((pairs) => Object.fromEntries(pairs) as { [key: string]: string | string[] });

export interface DifferentialCase {
  principal: string;
  identityPolicies: unknown[];
  permissionsBoundary: unknown | null;
  resourcePolicy: unknown | null;
  request: { action: string; resource: string };
  context: { [key: string]: string | string[] };
}

export const arbCase: fc.Arbitrary<DifferentialCase> = fc.constantFrom(...REQUESTS).chain((request) =>
  fc.record({
    principal: fc.constantFrom(...PRINCIPALS),
    identityPolicies: fc.array(arbPolicy(request), { minLength: 0, maxLength: 3 }),
    permissionsBoundary: fc.option(arbPolicy(request), { freq: 4 }),
    resourcePolicy: arbResourcePolicy(request),
    request: fc.constant(request),
    context: arbContext,
  }),
);

const SIM_TO_OURS: { [k: string]: Decision } = { Allowed: "allowed", ExplicitlyDenied: "explicit-deny", ImplicitlyDenied: "implicit-deny" };

/**
 * The keys AWS puts in every signed request that follow from the caller (aws:PrincipalArn,
 * aws:PrincipalAccount, aws:username for users). evaluateRequest derives them from principalArn;
 * iam-simulate expects them in the context, so the simulation gets them explicitly.
 */
export function principalKeys(principal: string): { [key: string]: string } {
  const account = principal.split(":")[4] as string;
  const out: { [key: string]: string } = { "aws:PrincipalArn": principal, "aws:PrincipalAccount": account };
  const user = /:user\/(?:.*\/)?([^/]+)$/.exec(principal);
  if (user) out["aws:username"] = user[1] as string;
  return out;
}

export async function simulate(c: DifferentialCase): Promise<{ decision: Decision | "error"; ignored: string[]; raw: unknown }> {
  const result = await runSimulation(
    {
      request: {
        principal: c.principal,
        action: c.request.action,
        resource: { resource: c.request.resource, accountId: ACCOUNT },
        contextVariables: { ...principalKeys(c.principal), ...c.context },
      },
      identityPolicies: c.identityPolicies.map((policy, i) => ({ name: `p${i}`, policy })),
      serviceControlPolicies: [],
      resourceControlPolicies: [],
      ...(c.resourcePolicy ? { resourcePolicy: c.resourcePolicy } : {}),
      ...(c.permissionsBoundary ? { permissionBoundaryPolicies: [{ name: "boundary", policy: c.permissionsBoundary }] } : {}),
    },
    {},
  );
  if (result.resultType === "error") return { decision: "error", ignored: [], raw: result.errors };
  const ignored = result.resultType === "single" ? (result.result.ignoredContextKeys ?? []) : [];
  return { decision: SIM_TO_OURS[result.overallResult] ?? "error", ignored, raw: result };
}

export function ours(c: DifferentialCase, ignoredKeys: readonly string[] = []): Decision {
  const ignored = new Set(ignoredKeys.map((k) => k.toLowerCase()));
  const context = Object.fromEntries(Object.entries(c.context).filter(([k]) => !ignored.has(k.toLowerCase())));
  return evaluateRequest({
    identityPolicies: c.identityPolicies.map((p, i) => ({ id: `p${i}`, document: parsePolicyDocument(p) })),
    permissionsBoundary: c.permissionsBoundary ? { id: "boundary", document: parsePolicyDocument(c.permissionsBoundary) } : null,
    resourcePolicy: c.resourcePolicy ? { id: "resource", document: parsePolicyDocument(c.resourcePolicy) } : null,
    request: { action: c.request.action, resource: c.request.resource, principalArn: c.principal, resourceAccount: ACCOUNT, context, contextComplete: true },
  }).decision;
}
