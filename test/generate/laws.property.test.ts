/**
 * The laws of issue 7, checked with the IAM engine's evaluator (evaluateRequest), over random
 * usage and configurations:
 * 1. the generated policy allows every observed successful call (action + every resource of the
 *    action's type, including those beyond a truncated sample) and every configuration-required call;
 * 2. it allows no action outside the observed, required and kept-exception ones, and no resource of
 *    an unrelated account/bucket unless a documented widening (truncated prefix, no resource
 *    recorded, no resource-level permissions) applies;
 * 3. generating twice gives the same bytes; 4. the order of usage records does not matter;
 * 5. unless data events are logged for every resource, a data-event action today's policy allows
 *    stays allowed wherever today's policy allows it, bar the resources where the function's own
 *    calls of its read/write class are in the logs (the trail's selectors may cover other
 *    resources, or the other class, only: a call's absence from the logs proves nothing there),
 *    and bar the actions of a class the trail's selectors log for every resource (a write-only
 *    trail's writes): what generate leaves out under such selectors is of the class they log;
 * 6. an action a session on the role attributed to no function called successfully stays allowed
 *    wherever today's policy allows it (the session may have been the function's).
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { configurationRequirements, generatePolicy, matchResourceType, renderCloudFormation, renderTerraform } from "../../src/generate/index.js";
import type { KeptException } from "../../src/model/config.js";
import type { LambdaFunction, PolicyDocument } from "../../src/model/document.js";
import type { ActionUsage, ResourceSample } from "../../src/model/usage.js";
import { parentList, parentsOf } from "../../src/usage/parents.js";
import { iamByNamePatterns } from "../../src/usage/resources.js";
import { emptyRoleFacts, evaluateRequest, loadActionCatalogSync } from "../../src/iam/index.js";
import { DATA_EVENT_ACTIONS, dataEventTypeOf } from "../../src/usage/not-logged.js";
import { ACCOUNT, action, document, lambdaFunction, REGION, role, roleArn, session } from "./fixtures.js";

const catalog = loadActionCatalogSync();
const P = `${REGION}:${ACCOUNT}`;

/** Resource makers per action family: each takes a name fragment. */
const FAMILIES: { actions: string[]; make: (name: string, dir: string) => string }[] = [
  { actions: ["dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:Query"], make: (n) => `arn:aws:dynamodb:${P}:table/${n}` },
  { actions: ["s3:GetObject", "s3:PutObject"], make: (n, d) => `arn:aws:s3:::bucket-${d}/${d}/${n}.json` },
  { actions: ["s3:ListBucket"], make: (_n, d) => `arn:aws:s3:::bucket-${d}` },
  // Across Regions and accounts, and across buckets whose names share nothing: a truncated sample's
  // one prefix was `arn:aws:dynamodb:` or `arn:aws:s3:::`, granted on every table or bucket.
  { actions: ["dynamodb:UpdateItem"], make: (n, d) => `arn:aws:dynamodb:${d === "in" ? "eu-west-1" : REGION}:${d === "out" ? "444455556666" : ACCOUNT}:table/${n}` },
  { actions: ["s3:DeleteObject"], make: (n, d) => `arn:aws:s3:::${n.replace(/[^a-z0-9-]/g, "x")}/${d}/1.json` },
  // The actions a DynamoDB multi-item call's items are counted under (src/usage/ddb-items.ts): a
  // transaction's ConditionCheck, a batch's INSERT on a table, a SELECT on an index.
  { actions: ["dynamodb:ConditionCheckItem", "dynamodb:PartiQLInsert"], make: (n) => `arn:aws:dynamodb:${P}:table/${n}` },
  { actions: ["dynamodb:PartiQLSelect"], make: (n, d) => `arn:aws:dynamodb:${P}:table/${n}/index/by-${d}` },
  { actions: ["sqs:SendMessage"], make: (n) => `arn:aws:sqs:${P}:${n}` },
  { actions: ["sns:Publish"], make: (n) => `arn:aws:sns:${P}:${n}` },
  { actions: ["ssm:GetParameter"], make: (n, d) => `arn:aws:ssm:${P}:parameter/${d}/${n}` },
  { actions: ["kms:Decrypt"], make: (n) => `arn:aws:kms:${P}:key/${n}` },
  { actions: ["secretsmanager:GetSecretValue"], make: (n) => `arn:aws:secretsmanager:${P}:secret:${n}-AbCdEf` },
  // Several resource types, the calls on one that is not the catalog's first (application-inference-profile).
  { actions: ["bedrock:InvokeModel"], make: (n) => `arn:aws:bedrock:${REGION}::foundation-model/${n}` },
  { actions: ["sts:GetCallerIdentity", "xray:PutTraceSegments", "dynamodb:ListTables"], make: () => "" },
  // CloudWatch Logs streams, as the usage names them for the calls authorised on one (resources.ts):
  // Lambda's dated `<date>/[$LATEST]<id>` names, whose shared prefix ends in a date, in several
  // groups; a stream's name holds no `:` or `*`.
  // A Kinesis consumer named by stream and name, as the usage names it (resources.ts): any creation time, `:*`.
  { actions: ["kinesis:DescribeStreamConsumer", "kinesis:DeregisterStreamConsumer"], make: (n, d) => `arn:aws:kinesis:${P}:stream/law-${d}/consumer/${n.replace(/[^a-zA-Z0-9_.-]/g, "_")}:*` },
  { actions: ["logs:PutLogEvents", "logs:CreateLogStream", "logs:GetLogEvents"], make: (n, d) => `arn:aws:logs:${P}:log-group:/aws/lambda/law-${d}:log-stream:2026/1${n.length % 3}/0${(n.length % 9) + 1}/[$LATEST]${n.replace(/[:*]/g, "x")}` },
];

// Names with IAM's special characters too ($, *, ?, a policy variable's text): observed names are
// literal, so the policy must allow them and nothing their text would match as a pattern. And line
// terminators (LF, CR, U+2028), which S3 keys may hold.
const SPECIAL_NAMES = ["a*", "a*b", "q?", "${aws:username}", "c$", "${*}", "l\nf", "c\rr", "ls\u2028x"];
const nameArb = fc.tuple(fc.constantFrom("orders", "orders-eu", "orders-us", "users", "u", "audit-2026", "a", ...SPECIAL_NAMES), fc.constantFrom("", "-1", "-2", "-x")).map(([a, b]) => `${a}${b}`);
const dirArb = fc.constantFrom("in", "out", "archive");

interface Observed {
  usage: ActionUsage;
  /** Every resource the successful calls touched (the sample may be truncated). */
  all: string[];
  /** Resources only denied calls touched (in `usage.resources`, not in `usage.authorized`). */
  deniedOnly: string[];
  /**
   * A resource a successful call that named none in its record may have used (`unnamedCalls`): `*`
   * for an SNS Publish (to a phone number), else one of the action's type no call named; null
   * when no call was unnamed.
   */
  unnamedProbe: string | null;
}

/** The usage stage's capped sample of `all` (the `cap` smallest), the prefix of every one and, when truncated, each parent's. */
function sampleOf(all: string[], cap: number): ResourceSample {
  const truncated = all.length > cap;
  let prefix: string | null = null;
  if (all.length > 1) {
    let p = all[0] as string;
    for (const r of all) {
      let i = 0;
      while (i < p.length && i < r.length && p[i] === r[i]) i++;
      p = p.slice(0, i);
    }
    prefix = `${p}*`;
  }
  const sample: ResourceSample = { resources: truncated ? all.slice(0, cap) : all, resourcesTruncated: truncated, resourcePrefix: prefix };
  const parents = truncated ? parentList(parentsOf(all)) : undefined;
  if (parents !== undefined) sample.resourceParents = parents;
  return sample;
}

const observedArb: fc.Arbitrary<Observed> = fc
  .record({
    family: fc.integer({ min: 0, max: FAMILIES.length - 1 }),
    pick: fc.nat(),
    names: fc.uniqueArray(fc.tuple(nameArb, dirArb), { minLength: 0, maxLength: 7, selector: ([n, d]) => `${n}/${d}` }),
    count: fc.integer({ min: 1, max: 5000 }),
    denied: fc.integer({ min: 0, max: 3 }),
    /** Resources of the denied calls (some also used by successful calls). */
    deniedNames: fc.uniqueArray(fc.tuple(nameArb, dirArb), { minLength: 0, maxLength: 3, selector: ([n, d]) => `${n}/${d}` }),
    cap: fc.integer({ min: 1, max: 8 }),
    /** Successful calls whose record named no resource (an SNS Publish to a phone number). */
    unnamed: fc.integer({ min: 0, max: 2 }),
  })
  .map(({ family, pick, names, count, denied, deniedNames, cap, unnamed }) => {
    const f = FAMILIES[family] as (typeof FAMILIES)[number];
    const name = f.actions[pick % f.actions.length] as string;
    const made = (xs: [string, string][]): string[] => [...new Set(xs.map(([n, d]) => f.make(n, d)).filter((r) => r !== ""))].sort();
    const deniedCount = Math.min(denied, count);
    const all = deniedCount === count ? [] : made(names);
    // As the usage stage writes it: `resources` over every call, `authorized` over those not denied.
    const deniedResources = deniedCount > 0 ? made(deniedNames) : [];
    const every = [...new Set([...all, ...deniedResources])].sort();
    const usage = action(name, count, [], { deniedCount, ...sampleOf(every, cap), errorCodes: deniedCount > 0 ? { AccessDenied: deniedCount } : {} });
    if (deniedCount > 0) usage.authorized = sampleOf(all, cap);
    const unnamedCalls = Math.min(unnamed, count - deniedCount);
    if (unnamedCalls > 0) usage.unnamedCalls = unnamedCalls;
    // An action of several types (S3's object or access point object, Bedrock's foundation model,
    // inference profile …) may have been called on any of them: the probe is of the family's type.
    const unnamedProbe = unnamedCalls === 0 ? null : name === "sns:Publish" ? "*" : f.make("never-named", "archive");
    return { usage, all, deniedOnly: deniedResources.filter((r) => !all.includes(r)), unnamedProbe };
  });

const configArb = fc.record({
  vpc: fc.boolean(),
  tracing: fc.boolean(),
  sqsTrigger: fc.boolean(),
  dlq: fc.boolean(),
  s3Failure: fc.boolean(),
  envKey: fc.boolean(),
  efs: fc.boolean(),
});

type Config = typeof configArb extends fc.Arbitrary<infer T> ? T : never;

function makeFunction(c: Config): LambdaFunction {
  return lambdaFunction("law-fn", roleArn("law-role"), {
    vpc: c.vpc ? { vpcId: "vpc-1", subnetIds: ["subnet-1"], securityGroupIds: ["sg-1"] } : null,
    tracingMode: c.tracing ? "Active" : "PassThrough",
    triggers: c.sqsTrigger ? [{ uuid: "u", kind: "sqs", eventSourceArn: `arn:aws:sqs:${P}:law-in`, state: "Enabled", onFailureDestination: null, secretArns: [], kmsKeyArn: null }] : [],
    deadLetterTargetArn: c.dlq ? `arn:aws:sqs:${P}:law-dlq` : null,
    destinations: { onSuccess: null, onFailure: c.s3Failure ? "arn:aws:s3:::law-failures" : null },
    kmsKeyArn: c.envKey ? `arn:aws:kms:${P}:key/env` : null,
    environmentVariableNames: c.envKey ? ["X"] : [],
    fileSystems: c.efs ? [`arn:aws:elasticfilesystem:${P}:access-point/fsap-1`] : [],
  });
}

const TODAY: PolicyDocument = {
  Version: "2012-10-17",
  Statement: [
    { Effect: "Allow", Action: ["dynamodb:*"], Resource: ["*"] },
    { Effect: "Allow", Action: ["dynamodb:RestoreTableFromBackup"], Resource: [`arn:aws:dynamodb:${P}:table/orders`] },
    { Effect: "Allow", Action: ["s3:GetObject", "s3:PutObject"], Resource: ["arn:aws:s3:::bucket-in/*"] },
    // Granted under the key prefix a trail's selectors may log alone: a read and a write.
    { Effect: "Allow", Action: ["s3:GetObjectTagging", "s3:DeleteObjectTagging"], Resource: ["arn:aws:s3:::bucket-in/in/*"] },
    { Effect: "Allow", Action: ["sqs:SendMessage"], Resource: [`arn:aws:sqs:${P}:orders-*`] },
  ],
};

const EXCEPTIONS: KeptException[] = [
  { function: "law-*", actions: ["dynamodb:RestoreTableFromBackup"], reason: "disaster recovery" },
  { function: "law-fn", actions: ["sqs:PurgeQueue"], resources: [`arn:aws:sqs:${P}:law-in`], reason: "error path: purge poison queue" },
  { function: "other-*", actions: ["iam:CreateUser"], resources: ["*"], reason: "must not apply" },
];

function allowed(policy: PolicyDocument, act: string, resource: string, context?: { [k: string]: string }): boolean {
  const r = evaluateRequest({ identityPolicies: [policy], request: { action: act, resource, ...(context ? { context, contextComplete: true } : {}) } });
  return r.decision === "allowed";
}

/** A concrete request resource for a pattern (`log-stream:*` → `log-stream:x1`; `${*}` is a literal `*`). */
function instance(pattern: string): string {
  return pattern === "*" ? "*" : pattern.replace(/\$\{([*?$])\}|\*|\?/g, (m: string, literal: string | undefined) => literal ?? (m === "*" ? "x1" : "q"));
}

const scenarioArb = fc.record({
  config: configArb,
  observed: fc.array(observedArb, { maxLength: 8 }),
  withExceptions: fc.boolean(),
  dataEvents: fc.constantFrom("logged" as const, "present" as const, "absent" as const, "unknown" as const),
  /**
   * The trail's selectors, when given: S3, DynamoDB and SQS data events of one class logged for
   * every resource, or S3 objects under one key prefix only (reads and writes, or writes alone).
   */
  selectors: fc.constantFrom(null, "reads" as const, "writes" as const, "s3-prefix" as const, "s3-prefix-writes" as const),
  /** Calls by a session on the role leastrole could not attribute (`us-east-1.law-fn`). */
  other: fc.array(observedArb, { maxLength: 3 }),
  /**
   * IAM calls on users, groups or roles by name (the usage stage's two patterns per name), at the
   * paths the entities really have; `exported`: the document holds them (the IAM export).
   */
  iamByName: fc.option(
    fc.record({
      action: fc.constantFrom("iam:GetRole", "iam:AttachRolePolicy", "iam:CreateAccessKey", "iam:AddUserToGroup"),
      entities: fc.uniqueArray(fc.tuple(fc.constantFrom("etl", "etl-2", "x-etl", "svc+a", "a.b@c", "orders"), fc.constantFrom("/", "/service-role/", "/a/b/")), { minLength: 1, maxLength: 4, selector: ([n]) => n }),
      exported: fc.boolean(),
    }),
    { nil: null },
  ),
});

const IAM_TYPE: { [action: string]: "user" | "group" | "role" } = { "iam:GetRole": "role", "iam:AttachRolePolicy": "role", "iam:CreateAccessKey": "user", "iam:AddUserToGroup": "group" };

/** The by-name scenario's entities' ARNs (with their paths) and the usage the usage stage writes for their calls. */
function iamByNameOf(s: Scenario): { action: string; arns: string[]; others: string[]; usage: ActionUsage } | null {
  if (s.iamByName === null) return null;
  const t = IAM_TYPE[s.iamByName.action] as "user" | "group" | "role";
  const names = new Set<string>(s.iamByName.entities.map(([n]) => n));
  const arns = s.iamByName.entities.map(([n, path]) => `arn:aws:iam::${ACCOUNT}:${t}${path}${n}`);
  // Entities of other names, at those paths and others: none may be granted.
  const others = ["etl", "etl-2", "x-etl", "svc+a", "a.b@c", "orders", "etl2", "b@c"].filter((n) => !names.has(n)).flatMap((n) => ["/", "/service-role/", "/a/b/", "/x/"].map((p) => `arn:aws:iam::${ACCOUNT}:${t}${p}${n}`));
  const resources = [...new Set(s.iamByName.entities.flatMap(([n]) => iamByNamePatterns("aws", ACCOUNT, t, n)))].sort();
  return { action: s.iamByName.action, arns, others, usage: action(s.iamByName.action, s.iamByName.entities.length, resources) };
}

/** The data-event types the scenarios' selectors name; the S3 key prefix a selector may log alone. */
const SELECTED_TYPES = ["AWS::DynamoDB::Table", "AWS::S3::Object", "AWS::SQS::Queue"];
const LOGGED_PREFIX = "arn:aws:s3:::bucket-in/in/";

type Scenario = typeof scenarioArb extends fc.Arbitrary<infer T> ? T : never;

function build(s: Scenario, shuffle?: (xs: unknown[]) => void) {
  const fn = makeFunction(s.config);
  // One usage record per action (the usage stage aggregates per action); split across two sessions.
  const byAction = new Map<string, Observed>();
  for (const o of s.observed) if (!byAction.has(o.usage.action)) byAction.set(o.usage.action, o);
  const usages = [...byAction.values()].map((o) => ({ ...o.usage, resources: [...o.usage.resources] }));
  const iam = iamByNameOf(s);
  if (iam !== null) usages.push({ ...iam.usage, resources: [...iam.usage.resources] });
  const half = Math.ceil(usages.length / 2);
  let sessions = [session(fn, usages.slice(0, half)), session(fn, usages.slice(half))];
  if (shuffle) {
    for (const u of usages) shuffle(u.resources);
    for (const ss of sessions) shuffle(ss.actions);
    shuffle(sessions);
    sessions = [...sessions];
  }
  const others = new Map<string, Observed>();
  for (const o of s.other) if (!others.has(o.usage.action)) others.set(o.usage.action, o);
  if (others.size > 0) {
    const edge = session(fn, [...others.values()].map((o) => ({ ...o.usage, resources: [...o.usage.resources] })));
    sessions.push({ ...edge, sessionKind: "other", sessionName: `us-east-1.${fn.name}`, functionArn: null, functionName: null });
  }
  const exported = iam !== null && s.iamByName?.exported === true ? iam.arns : [];
  const doc = document([fn], [role(fn.roleArn, [fn.arn], [{ name: "today", document: TODAY }]), ...exported.filter((a) => a.includes(":role/")).map((a) => role(a, []))], sessions, { dataEvents: s.dataEvents });
  doc.principals = exported.filter((a) => !a.includes(":role/")).map((arn) => {
    const type = arn.includes(":user/") ? ("user" as const) : ("group" as const);
    return { arn, type, name: arn.slice(arn.lastIndexOf("/") + 1), accountId: ACCOUNT, inlinePolicies: [], attachedPolicies: [], groups: [], permissionsBoundaryArn: null, tags: {}, source: null, facts: emptyRoleFacts() };
  });
  const trail = `arn:aws:cloudtrail:${P}:trail/law-trail`;
  if (s.selectors === "s3-prefix") doc.usage.coverage.dataEventSelectors = [{ type: "AWS::S3::Object", logged: "some", limits: [`resources.ARN StartsWith ${LOGGED_PREFIX}`], statedBy: [trail], prefixes: [LOGGED_PREFIX] }];
  else if (s.selectors === "s3-prefix-writes") doc.usage.coverage.dataEventSelectors = [{ type: "AWS::S3::Object", logged: "some", limits: [`resources.ARN StartsWith ${LOGGED_PREFIX}`, "writes only"], statedBy: [trail], writePrefixes: [LOGGED_PREFIX] }];
  else if (s.selectors !== null) {
    const cls = s.selectors;
    doc.usage.coverage.dataEventSelectors = SELECTED_TYPES.map((type) => ({ type, logged: "some" as const, limits: [`${cls} only`], statedBy: [trail], loggedEverywhere: cls }));
  }
  return { fn, doc, observed: [...byAction.values()], other: [...others.values()], iam };
}

describe("laws of generation (fast-check, with the IAM engine's evaluateRequest)", () => {
  it("allows every observed successful call and every configuration-required call", () => {
    fc.assert(
      fc.property(scenarioArb, (s) => {
        const { fn, doc, observed, iam } = build(s);
        const g = generatePolicy(doc, fn.arn, s.withExceptions ? { exceptions: EXCEPTIONS } : {}, catalog);
        // A user, group or role called by name: allowed on it at its path, on none of another name.
        if (iam !== null) {
          for (const r of iam.arns) expect(allowed(g.policy, iam.action, r), `${iam.action} on ${r}`).toBe(true);
          for (const r of iam.others) expect(allowed(g.policy, iam.action, r), `${iam.action} on ${r}`).toBe(false);
          // With the export, on its ARN alone (not the root path's when the entity is under another).
          if (s.iamByName?.exported === true) expect(g.grants.filter((x) => x.action === iam.action).map((x) => x.resource).sort()).toEqual([...iam.arns].sort());
        }
        for (const o of observed) {
          if (o.usage.count - o.usage.deniedCount <= 0) continue;
          const info = catalog.action(o.usage.action);
          if (info === null) continue;
          if (!info.supportsResourceLevelPermissions) {
            expect(allowed(g.policy, o.usage.action, "*"), `${o.usage.action} on *`).toBe(true);
            continue;
          }
          for (const r of o.all) {
            // Every resource the families make is of its action's type: one the matcher cannot type
            // would be left out of the policy (as S3 keys with a line break were).
            expect(matchResourceType(info, r, catalog), `type of ${JSON.stringify(r)}`).not.toBeNull();
            expect(allowed(g.policy, o.usage.action, r), `${o.usage.action} on ${r}`).toBe(true);
          }
          // A call that named no resource in its record: granted what such a call may have used.
          if (o.unnamedProbe !== null) expect(allowed(g.policy, o.usage.action, o.unnamedProbe), `${o.usage.action} (unnamed) on ${o.unnamedProbe}`).toBe(true);
          // Granted name by name: a name its text would match as a pattern (or variable) is not allowed.
          const own = g.grants.filter((x) => x.action === info.action);
          if (own.length > 0 && own.every((x) => x.scoping === "exact" && x.provenance.every((p) => p.kind === "observed"))) {
            for (const r of o.all) {
              // The usage stage's own wildcard (a Kinesis consumer by name, any creation time): it
              // matches every creation time, and only those (observed.ts KINESIS_CONSUMER_ANY_CREATION).
              if (/:kinesis:.*\/consumer\/[^:]+:\*$/.test(r)) {
                expect(allowed(g.policy, o.usage.action, r.replace(/\*$/, "1700000000")), `${o.usage.action} on ${r}`).toBe(true);
                continue;
              }
              const other = r.replace(/\$\{[^}]*\}/g, "bob").replace(/[*?]/g, "Z");
              if (other === r || o.all.includes(other)) continue;
              expect(allowed(g.policy, o.usage.action, other, { "aws:username": "bob" }), `${o.usage.action} on ${other}`).toBe(false);
            }
          }
        }
        for (const req of configurationRequirements(fn)) {
          const ctx = req.condition ? Object.fromEntries(Object.values(req.condition).flatMap((kv) => Object.entries(kv).map(([k, v]) => [k, v[0] as string]))) : undefined;
          expect(allowed(g.policy, req.action, instance(req.resource), ctx), `required ${req.action} on ${req.resource}`).toBe(true);
        }
        // Each split document is a valid slice: together they allow the same calls.
        const merged: PolicyDocument = { Version: "2012-10-17", Statement: g.policies.flatMap((p) => p.document.Statement) };
        for (const gr of g.grants) expect(allowed(merged, gr.action, instance(gr.resource), gr.condition ? { "elasticfilesystem:AccessPointArn": `arn:aws:elasticfilesystem:${P}:access-point/fsap-1` } : undefined)).toBe(true);
      }),
      { numRuns: 60 },
    );
  });

  it("allows no other action, and no unrelated resource without a documented widening", () => {
    const actionIndex = fc.integer({ min: 0, max: catalog.size - 1 });
    fc.assert(
      fc.property(scenarioArb, fc.array(actionIndex, { minLength: 20, maxLength: 40 }), (s, picks) => {
        const { fn, doc } = build(s);
        const g = generatePolicy(doc, fn.arn, s.withExceptions ? { exceptions: EXCEPTIONS } : {}, catalog);
        const granted = new Set(g.grants.map((x) => x.action.toLowerCase()));
        const all = catalog.names(catalog.all);
        for (const i of picks) {
          const a = all[i % all.length] as string;
          if (granted.has(a.toLowerCase())) continue;
          expect(allowed(g.policy, a, "*"), `${a} on *`).toBe(false);
          expect(allowed(g.policy, a, `arn:aws:dynamodb:${P}:table/orders`)).toBe(false);
        }
        // The kept exception for another function never applies.
        expect(granted.has("iam:createuser")).toBe(false);
        // Unrelated resources of granted actions are denied unless the grant is a documented widening.
        // A truncated sample is not one: its grants keep to each parent's prefix (usage/parents.ts).
        const wideningKinds = new Set(["unnamed", "no-resource-level-permissions", "unknown-action", "as-configured"]);
        for (const a of granted) {
          const grants = g.grants.filter((x) => x.action.toLowerCase() === a);
          if (grants.some((x) => wideningKinds.has(x.scoping))) continue;
          expect(allowed(g.policy, a, "arn:aws:dynamodb:eu-west-3:999999999999:table/zz-unrelated"), a).toBe(false);
          expect(allowed(g.policy, a, "arn:aws:s3:::zz-unrelated-bucket/zz"), a).toBe(false);
        }
      }),
      { numRuns: 40 },
    );
  });

  it("grants nothing from a resource seen only in denied calls: the policy is the one without them", () => {
    fc.assert(
      fc.property(scenarioArb, (s) => {
        const { fn, doc, observed, other } = build(s);
        const g = generatePolicy(doc, fn.arn, s.withExceptions ? { exceptions: EXCEPTIONS } : {}, catalog);
        // The same usage with the denied calls' resources never recorded (the calls still counted).
        const without: Scenario = {
          ...s,
          observed: s.observed.map((o) => (o.usage.authorized === undefined ? o : { ...o, usage: { ...o.usage, ...o.usage.authorized, authorized: undefined }, deniedOnly: [] })),
          other: s.other.map((o) => (o.usage.authorized === undefined ? o : { ...o, usage: { ...o.usage, ...o.usage.authorized, authorized: undefined }, deniedOnly: [] })),
        };
        const b = build(without);
        const h = generatePolicy(b.doc, b.fn.arn, s.withExceptions ? { exceptions: EXCEPTIONS } : {}, catalog);
        expect(JSON.stringify(g.policy)).toBe(JSON.stringify(h.policy));
        for (const o of observed) {
          if (o.deniedOnly.length === 0 || o.usage.count <= o.usage.deniedCount) continue;
          const info = catalog.action(o.usage.action);
          if (info === null || !info.supportsResourceLevelPermissions) continue;
          const own = g.grants.filter((x) => x.action === info.action);
          // Named one by one, a denied-only resource is not among them; and it is reported.
          if (own.every((x) => x.scoping === "exact")) {
            const usedElsewhere = new Set(other.filter((x) => x.usage.action === o.usage.action).flatMap((x) => x.all));
            for (const r of o.deniedOnly) if (!usedElsewhere.has(r)) expect(allowed(g.policy, o.usage.action, r), `${o.usage.action} on ${r} (denied only)`).toBe(false);
          }
          // Reported when the sample shows one (outside the authorized calls' prefix when their sample
          // is truncated: that grant may cover it, or a successful call beyond the sample), or shows
          // that there are some beyond it.
          const ok = o.usage.authorized;
          const head = ok?.resourcesTruncated === true && ok.resourcePrefix !== null ? ok.resourcePrefix.slice(0, -1) : null;
          const shown = o.deniedOnly.some((r) => o.usage.resources.includes(r) && (head === null || !r.startsWith(head))) || (o.usage.resourcesTruncated && ok?.resourcesTruncated === false);
          if (shown) expect(g.warnings.some((w) => w.code === "denied-resources-not-granted" && w.action === o.usage.action)).toBe(true);
        }
      }),
      { numRuns: 60 },
    );
  });

  it("keeps every data-event action the logs may not show wherever today's policy allows it", () => {
    const dataEventActions = [...DATA_EVENT_ACTIONS].map((a) => catalog.action(a)?.action).filter((a): a is string => a !== undefined);
    const resources = [`arn:aws:dynamodb:${P}:table/orders`, `arn:aws:dynamodb:${P}:table/zz-other`, "arn:aws:s3:::bucket-in/in/a.json", "arn:aws:s3:::bucket-in/archive/a.json", "arn:aws:s3:::bucket-out/out/a.json", `arn:aws:sqs:${P}:orders-in`, `arn:aws:sqs:${P}:zz-other`];
    fc.assert(
      fc.property(scenarioArb, (s) => {
        const { fn, doc, observed } = build(s);
        const g = generatePolicy(doc, fn.arn, s.withExceptions ? { exceptions: EXCEPTIONS } : {}, catalog);
        // What the function's own successful data-event calls can show logged: calls of their
        // read/write class (or of the action itself) on their resource, an S3 object call on its bucket's objects.
        // Wider than the generator may judge (any access level counts as the class): the law holds
        // for what is left beyond it.
        const calls = observed.filter((o) => o.usage.count > o.usage.deniedCount && DATA_EVENT_ACTIONS.has(o.usage.action.toLowerCase()));
        const write = (a: string) => !["Read", "List"].includes(catalog.accessLevel(a) ?? "");
        const bucketObjects = (arn: string) => /^arn:aws:s3:::[^/]+\//.exec(arn)?.[0] ?? null;
        const shownLogged = (a: string, r: string) =>
          calls.some((o) => {
            const b = o.usage.action;
            if (b !== a && (b.slice(0, b.indexOf(":")) !== a.slice(0, a.indexOf(":")) || write(a) !== write(b))) return false;
            // Under selectors of a key prefix, a call under it shows nothing of the rest of its bucket.
            if ((s.selectors === "s3-prefix" || s.selectors === "s3-prefix-writes") && b.startsWith("s3:")) return o.all.includes(r);
            return o.all.some((x) => x === r || (b.startsWith("s3:") && bucketObjects(x) !== null && bucketObjects(x) === bucketObjects(r)));
          });
        for (const a of dataEventActions) {
          for (const r of resources) {
            // Of the action's own service: the evaluator does not read the resource's type.
            if (r.split(":")[2] !== a.slice(0, a.indexOf(":")) || !allowed(TODAY, a, r) || shownLogged(a, r)) continue;
            // Logged for every resource: the usage is the whole truth and the action may go (law 2).
            if (s.dataEvents === "logged") continue;
            // Of the class the selectors log for every resource (by the access level alone: wider
            // than the generator, which also asks the name to agree), likewise.
            const type = dataEventTypeOf(a);
            // The key prefix's calls are all logged.
            if (s.selectors === "s3-prefix" && type === "AWS::S3::Object" && r.startsWith(LOGGED_PREFIX)) continue;
            if (s.selectors === "s3-prefix-writes" && type === "AWS::S3::Object" && r.startsWith(LOGGED_PREFIX) && write(a)) continue;
            if ((s.selectors === "reads" || s.selectors === "writes") && type !== null && SELECTED_TYPES.includes(type) && (write(a) ? "writes" : "reads") === s.selectors) continue;
            expect(allowed(g.policy, a, r), `${a} on ${r} (data events ${s.dataEvents})`).toBe(true);
          }
        }
        if (s.dataEvents === "logged") expect(g.grants.some((x) => x.provenance.some((p) => p.kind === "not-logged"))).toBe(false);
      }),
      { numRuns: 40 },
    );
  });

  it("keeps what an unattributed session on the role called wherever today's policy allows it", () => {
    fc.assert(
      fc.property(scenarioArb, (s) => {
        const { fn, doc, other } = build(s);
        const g = generatePolicy(doc, fn.arn, s.withExceptions ? { exceptions: EXCEPTIONS } : {}, catalog);
        for (const o of other) {
          if (o.usage.count - o.usage.deniedCount <= 0) continue;
          const info = catalog.action(o.usage.action);
          if (info === null) continue;
          for (const r of info.supportsResourceLevelPermissions ? o.all : ["*"]) {
            if (!allowed(TODAY, o.usage.action, r)) continue;
            expect(allowed(g.policy, o.usage.action, r), `${o.usage.action} on ${r}`).toBe(true);
          }
        }
      }),
      { numRuns: 40 },
    );
  });

  it("gives the same bytes twice and does not depend on the order of usage records", () => {
    fc.assert(
      fc.property(scenarioArb, fc.integer(), (s, seed) => {
        const a = build(s);
        const once = generatePolicy(a.doc, a.fn.arn, { exceptions: EXCEPTIONS }, catalog);
        const twice = generatePolicy(a.doc, a.fn.arn, { exceptions: EXCEPTIONS }, catalog);
        expect(JSON.stringify(twice)).toBe(JSON.stringify(once));
        let state = seed >>> 0;
        const rand = (): number => {
          state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
          return state / 2 ** 32;
        };
        const shuffled = build(s, (xs) => {
          for (let i = xs.length - 1; i > 0; i--) {
            const j = Math.floor(rand() * (i + 1));
            [xs[i], xs[j]] = [xs[j], xs[i]];
          }
        });
        const other = generatePolicy(shuffled.doc, shuffled.fn.arn, { exceptions: [...EXCEPTIONS].reverse() }, catalog);
        expect(JSON.stringify(other.policy)).toBe(JSON.stringify(once.policy));
        expect(JSON.stringify(other.statements)).toBe(JSON.stringify(once.statements));
        expect(JSON.stringify(other.warnings)).toBe(JSON.stringify(once.warnings));
        const target = { ...once, subject: once.functionArn };
        const target2 = { ...other, subject: other.functionArn };
        expect(renderTerraform([target2])).toBe(renderTerraform([target]));
        expect(renderCloudFormation([target2])).toBe(renderCloudFormation([target]));
      }),
      { numRuns: 40 },
    );
  });
});
