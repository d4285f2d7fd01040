/**
 * Attribution and labels on a small hand-made account whose records follow the real corpus
 * shapes (Invictus AssumedRole records), plus the real cloudmapper Access Advisor outputs.
 */
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import fc from "fast-check";
import type { CanonicalDocument, LambdaFunction, Role } from "../../src/model/document.js";
import { computePrincipalFacts, emptyRoleFacts, loadActionCatalogSync } from "../../src/iam/index.js";
import { labelUsage, readUsage, type UsageAggregate } from "../../src/usage/index.js";
import { CORPUS } from "./helpers.js";
import { roleCallRecord } from "../support/cloudtrail-record.js";
import { reasonFunctionArn } from "../../src/usage/labels.js";

const ACCT = "123456789012";
const ROLE = `arn:aws:iam::${ACCT}:role/service-role/orders-role`;
const FRESH_ROLE = `arn:aws:iam::${ACCT}:role/fresh-role`;
const fnArn = (n: string): string => `arn:aws:lambda:us-east-1:${ACCT}:function:${n}`;

let seq = 0;
function call(roleArn: string, session: string, time: string, source: string, name: string, extra: { [k: string]: unknown } = {}): object {
  return roleCallRecord({
    account: ACCT, roleArn, session, time, source, name, seq: ++seq, extra,
    userAgent: "aws-sdk-nodejs/2.1467.0 linux/v18.18.0 exec-env/AWS_Lambda_nodejs18.x",
    ...(session.startsWith("awslambda_") ? { invokedBy: "lambda.amazonaws.com" } : {}),
  });
}

/** One IAM-user call per day, so the data covers every day of October 2026. */
function background(): object[] {
  return Array.from({ length: 31 }, (_, d) => ({
    eventVersion: "1.08",
    userIdentity: { type: "IAMUser", principalId: "AIDATFQR7NSC5U6Q3TMDR", arn: `arn:aws:iam::${ACCT}:user/benjamin`, accountId: ACCT, userName: "benjamin" },
    eventTime: `2026-10-${String(d + 1).padStart(2, "0")}T08:00:00Z`,
    eventSource: "iam.amazonaws.com",
    eventName: "ListRoles",
    awsRegion: "us-east-1",
    eventID: `bg-${d}`,
    eventType: "AwsApiCall",
    recipientAccountId: ACCT,
  }));
}

function role(arn: string, createDate: string, allowed: string[]): Role {
  return {
    arn, name: arn.split("/").pop() as string, path: "/", roleId: null, accountId: ACCT, createDate, trustPolicy: null,
    inlinePolicies: [], attachedPolicies: [], permissionsBoundaryArn: null, lastUsed: null, tags: {}, trustsLambda: true, functions: [], source: null,
    facts: { ...emptyRoleFacts(), allowedActions: allowed, allowedActionCount: allowed.length },
  };
}

function fn(name: string, roleArn: string, lastModified = "2025-05-01T00:00:00Z"): LambdaFunction {
  return {
    arn: fnArn(name), name, accountId: ACCT, region: "us-east-1", runtime: "nodejs20.x", packageType: "Zip", roleArn, versions: [], aliases: [],
    lastModified, vpc: null, tracingMode: null, environmentVariableNames: [], kmsKeyArn: null, deadLetterTargetArn: null,
    destinations: { onSuccess: null, onFailure: null }, logGroup: `/aws/lambda/${name}`, logFormat: null, layers: [], fileSystems: [], triggers: [],
    resourcePolicy: null, functionUrls: [], tags: {}, source: null,
  };
}

const GRANTED = ["dynamodb:GetItem", "dynamodb:PutItem", "ec2:CreateNetworkInterface", "iam:PassRole", "kms:Decrypt", "logs:PutLogEvents", "s3:ListAllMyBuckets", "secretsmanager:GetSecretValue", "sqs:DeleteMessage", "ssm:GetParameter"];
const DOC = {
  roles: [role(ROLE, "2025-01-01T00:00:00Z", GRANTED), role(FRESH_ROLE, "2026-10-20T00:00:00Z", ["s3:ListAllMyBuckets", "iam:PassRole"])],
  functions: [fn("orders-api", ROLE), fn("orders-worker", ROLE), fn("fresh-fn", FRESH_ROLE)],
};

let dir: string;
let agg: UsageAggregate;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "leastrole-labels-"));
  const records = [
    ...background(),
    call(ROLE, "orders-api", "2026-10-03T10:00:00Z", "dynamodb", "GetItem", { requestParameters: { tableName: "orders", key: { pk: "HIDDEN" } }, eventCategory: "Data", managementEvent: false }),
    call(ROLE, "orders-api", "2026-10-04T10:00:00Z", "dynamodb", "GetItem", { requestParameters: { tableName: "orders-archive" }, eventCategory: "Data", managementEvent: false }),
    call(ROLE, "orders-api", "2026-10-05T10:00:00Z", "secretsmanager", "GetSecretValue", { requestParameters: { secretId: "prod/orders/db" } }),
    call(ROLE, "orders-api", "2026-10-06T10:00:00Z", "kms", "Decrypt", { errorCode: "AccessDeniedException", errorMessage: "User: … is not authorized to perform: kms:Decrypt" }),
    call(ROLE, "orders-worker", "2026-10-07T10:00:00Z", "sqs", "DeleteMessageBatch", { requestParameters: { queueUrl: `https://sqs.us-east-1.amazonaws.com/${ACCT}/orders-queue` } }),
    call(ROLE, "orders-worker", "2026-08-01T10:00:00Z", "ssm", "GetParameter", { requestParameters: { name: "/orders/endpoint" } }),
    call(ROLE, "awslambda_291_20261001000000000", "2026-10-02T09:00:00Z", "ec2", "CreateNetworkInterface"),
    call(ROLE, "awslambda_306_20261003000000000", "2026-10-03T09:00:00Z", "ec2", "CreateNetworkInterface"),
    call(FRESH_ROLE, "fresh-fn", "2026-10-21T10:00:00Z", "sts", "GetCallerIdentity"),
  ];
  writeFileSync(join(dir, "trail.json"), JSON.stringify({ Records: records }));
  writeFileSync(join(dir, "advisor.json"), JSON.stringify({
    JobStatus: "COMPLETED", JobType: "ACTION_LEVEL", JobCreationDate: "2026-10-31T00:00:00Z", JobCompletionDate: "2026-10-31T00:01:00Z",
    ServicesLastAccessed: [
      { ServiceName: "Amazon S3", ServiceNamespace: "s3", LastAuthenticated: "2026-10-15T12:00:00Z", LastAuthenticatedEntity: ROLE, TrackedActionsLastAccessed: [{ ActionName: "ListAllMyBuckets", LastAccessedTime: "2026-10-15T12:00:00Z", LastAccessedEntity: ROLE, LastAccessedRegion: "us-east-1" }] },
      { ServiceName: "AWS Systems Manager", ServiceNamespace: "ssm", TotalAuthenticatedEntities: 0 },
    ],
  }));
  writeFileSync(join(dir, encodeURIComponent(ROLE) + ".json"), "{}");
  writeFileSync(join(dir, "analyzer.json"), JSON.stringify({
    id: "f-1", resource: ROLE, resourceType: "AWS::IAM::Role", resourceOwnerAccount: ACCT, status: "ACTIVE", findingType: "UnusedPermission",
    createdAt: "2026-10-30T00:00:00Z", updatedAt: "2026-10-30T00:00:00Z", analyzedAt: "2026-10-30T00:00:00Z",
    findingDetails: [
      { unusedPermissionDetails: { serviceNamespace: "secretsmanager", lastAccessed: "2026-06-01T00:00:00Z" } },
      { unusedPermissionDetails: { serviceNamespace: "ssm", actions: [{ action: "GetParameter", lastAccessed: "2026-08-01T10:00:00Z" }] } },
    ],
  }));
  agg = await readUsage([join(dir, "trail.json"), join(dir, "advisor.json"), join(dir, "analyzer.json")], { workers: 1 });
});

const labelsOf = (section: ReturnType<typeof labelUsage>, name: string): { [action: string]: [string, string | null] } =>
  Object.fromEntries((section.labels.find((l) => l.functionArn === fnArn(name))?.permissions ?? []).map((p) => [p.action, [p.label, p.reason]]));

describe("attribution", () => {
  it("two functions sharing one role get separate usage; Lambda's own session is kept apart", () => {
    const s = labelUsage(agg, DOC, { asOf: "2026-11-01T00:00:00Z" });
    const byName = Object.fromEntries(s.principals.map((p) => [p.sessionName, [p.sessionKind, p.functionArn, p.actions.map((a) => a.action)]]));
    expect(byName["orders-api"]).toEqual(["function", fnArn("orders-api"), ["dynamodb:GetItem", "kms:Decrypt", "secretsmanager:GetSecretValue"]]);
    expect(byName["orders-worker"]).toEqual(["function", fnArn("orders-worker"), ["sqs:DeleteMessage", "ssm:GetParameter"]]);
    // Lambda's sessions on the role are one entry, whatever their number.
    expect(byName["awslambda_*"]).toEqual(["lambda-service", null, ["ec2:CreateNetworkInterface"]]);
    const service = s.principals.filter((p) => p.sessionKind === "lambda-service");
    expect(service.map((p) => [p.roleArn, p.sessionCount, p.actions[0]?.count, p.firstSeen, p.lastSeen])).toEqual([[ROLE, 2, 2, "2026-10-02T09:00:00Z", "2026-10-03T09:00:00Z"]]);
    expect(s.principals.filter((p) => p.sessionKind === "function").map((p) => p.sessionCount)).toEqual([1, 1, 1]);
    const get = s.principals.find((p) => p.sessionName === "orders-api")?.actions.find((a) => a.action === "dynamodb:GetItem");
    expect(get?.resources).toEqual([`arn:aws:dynamodb:us-east-1:${ACCT}:table/orders`, `arn:aws:dynamodb:us-east-1:${ACCT}:table/orders-archive`]);
    expect(get?.resourcePrefix).toBe(`arn:aws:dynamodb:us-east-1:${ACCT}:table/orders*`);
    expect(s.principals.find((p) => p.sessionName === "orders-worker")?.actions[0]?.resources).toEqual([`arn:aws:sqs:us-east-1:${ACCT}:orders-queue`]);
    expect(s.coverage.dataEvents).toBe("present");
  });
});

describe("labels", () => {
  it("used / unused / unknowable per function over a fully covered window", () => {
    const s = labelUsage({ ...agg, accessAdvisor: [], accessAnalyzer: [] }, DOC, { asOf: "2026-11-01T00:00:00Z" });
    expect(s.window).toEqual({ start: "2026-10-02T00:00:00Z", end: "2026-11-01T00:00:00Z", days: 30 });
    expect(s.labels.find((l) => l.functionArn === fnArn("orders-api"))?.fullWindow).toBe(true);
    expect(labelsOf(s, "orders-api")).toEqual({
      "dynamodb:GetItem": ["used", null],
      "dynamodb:PutItem": ["unknowable", "data event: logged only when the trail records data events for the resource"],
      "ec2:CreateNetworkInterface": ["used", "used by Lambda on the function's behalf (awslambda_ session)"],
      "iam:PassRole": ["unknowable", "iam:PassRole is authorised inside another call and never logged by CloudTrail"],
      "kms:Decrypt": ["used", "only denied calls seen"],
      "logs:PutLogEvents": ["unknowable", expect.stringContaining("Lambda service writes the function's logs")],
      "s3:ListAllMyBuckets": ["unused", "not seen in CloudTrail"],
      "secretsmanager:GetSecretValue": ["used", null],
      "sqs:DeleteMessage": ["unknowable", expect.stringContaining("data event")],
      "ssm:GetParameter": ["unused", "not seen in CloudTrail"],
    });
    const worker = labelsOf(s, "orders-worker");
    expect(worker["sqs:DeleteMessage"]).toEqual(["used", null]);
    expect(worker["ssm:GetParameter"]).toEqual(["unused", "last seen 2026-08-01, before the window"]);
    const p = s.labels.find((l) => l.functionArn === fnArn("orders-worker"))?.permissions.find((x) => x.action === "ssm:GetParameter");
    expect([p?.lastUsed, p?.daysSinceLastUsed]).toEqual(["2026-08-01T10:00:00Z", 91]);
  });

  it("actions CloudTrail cannot show are unknowable, never unused (each service's CloudTrail page)", () => {
    const cases: [string, "unknowable" | "unused", RegExp][] = [
      ["firehose:PutRecordBatch", "unknowable", /^data event/],
      ["events:PutEvents", "unknowable", /^data event/],
      ["cloudwatch:PutMetricData", "unknowable", /^data event/],
      ["sqs:GetQueueUrl", "unknowable", /not among the calls the Amazon SQS Developer Guide says CloudTrail logs/],
      ["sqs:SendMessage", "unknowable", /^data event/],
      ["xray:PutTraceSegments", "unknowable", /^data event/],
      ["execute-api:ManageConnections", "unknowable", /execute-api calls .* not logged/],
      ["es:ESHttpPost", "unknowable", /OpenSearch HTTP calls/],
      ["es:ESCrossClusterGet", "unknowable", /cross-cluster/],
      // OpenSearch's configuration API is logged (management events): unused when not seen.
      ["es:DeleteDomain", "unused", /^not seen in CloudTrail$/],
      ["es:UpdateDomainConfig", "unused", /^not seen in CloudTrail$/],
      ["rds-db:connect", "unknowable", /presigned token/],
      ["lambda:GetLayerVersion", "unknowable", /does not log GetLayerVersion/],
      ["states:SendTaskSuccess", "unknowable", /does not document/],
      // A durable function's checkpoints: not listed by Lambda's CloudTrail page either way.
      ["lambda:CheckpointDurableExecution", "unknowable", /does not document/],
      ["lambda:GetDurableExecutionState", "unknowable", /does not document/],
      // Permissions-only actions authorised inside an AssumeRole that passes session tags or a
      // source identity (IAM user guide, "Permissions required to add session tags", "… to set
      // source identity"): CloudTrail records the AssumeRole, never these (the AWS examples in
      // test/fixtures/cloudtrail-sweep, records 22 and 23, pass both).
      ["sts:TagSession", "unknowable", /authorised inside AssumeRole/],
      ["sts:SetSourceIdentity", "unknowable", /authorised inside AssumeRole/],
      ["sts:AssumeRole", "unused", /^not seen in CloudTrail$/],
      ["kms:Encrypt", "unused", /^not seen in CloudTrail$/],
      ["bedrock:InvokeModel", "unused", /^not seen in CloudTrail$/],
      // Object.prototype's names are no services.
      ["constructor:Foo", "unused", /^not seen in CloudTrail$/],
      ["tostring:Bar", "unused", /^not seen in CloudTrail$/],
    ];
    const actions = cases.map(([a]) => a);
    const doc = { ...DOC, roles: DOC.roles.map((r) => (r.name === "fresh-role" ? r : { ...r, facts: { ...r.facts, allowedActions: [...new Set([...r.facts.allowedActions, ...actions])].sort() } })) };
    const s = labelUsage({ ...agg, accessAdvisor: [], accessAnalyzer: [] }, doc, { asOf: "2026-11-01T00:00:00Z" });
    const got = labelsOf(s, "orders-api");
    for (const [action, label, reason] of cases) {
      expect([action, got[action]?.[0]]).toEqual([action, label]);
      expect(got[action]?.[1]).toMatch(reason);
    }
    // With data events logged everywhere, the data events and the undocumented ones are judged; the never-logged are not.
    const all = labelsOf(labelUsage({ ...agg, accessAdvisor: [], accessAnalyzer: [] }, doc, { asOf: "2026-11-01T00:00:00Z", dataEventsLogged: true }), "orders-api");
    expect([all["firehose:PutRecordBatch"]?.[0], all["states:SendTaskSuccess"]?.[0], all["es:ESHttpPost"]?.[0]]).toEqual(["unused", "unused", "unknowable"]);
  });

  it("data-event actions can be unused when the trail logs data events", () => {
    const s = labelUsage({ ...agg, accessAdvisor: [], accessAnalyzer: [] }, DOC, { asOf: "2026-11-01T00:00:00Z", dataEventsLogged: true });
    expect(labelsOf(s, "orders-api")["dynamodb:PutItem"]).toEqual(["unused", "not seen in CloudTrail"]);
    // Said apart from "some data events were read" (present), which generation must not take for it.
    expect(s.coverage.dataEvents).toBe("logged");
  });

  it("too new: a role created inside the window", () => {
    const s = labelUsage(agg, DOC, { asOf: "2026-11-01T00:00:00Z" });
    expect(labelsOf(s, "fresh-fn")).toEqual({
      "iam:PassRole": ["unknowable", expect.any(String)],
      "s3:ListAllMyBuckets": ["too-new", "role created 2026-10-20, inside the 30-day window"],
    });
    // An --as-of before the role was made: the date is after the window, not inside it.
    const earlier = labelUsage(agg, DOC, { asOf: "2026-10-10T00:00:00Z" });
    expect(labelsOf(earlier, "fresh-fn")["s3:ListAllMyBuckets"]).toEqual(["too-new", "role created 2026-10-20, after the 30-day window, which ends 2026-10-10"]);
  });

  it("a role whose creation date the input gives unreadably is not taken as old: nothing unused, said why", () => {
    const unreadable = { ...DOC, roles: DOC.roles.map((r) => (r.arn === ROLE ? { ...r, createDate: null, createDateUnreadable: true } : r)) };
    const s = labelUsage({ ...agg, accessAdvisor: [], accessAnalyzer: [] }, unreadable, { asOf: "2026-11-01T00:00:00Z", dataEventsLogged: true });
    expect(labelsOf(s, "orders-api")["dynamodb:PutItem"]).toEqual(["too-new", "role creation date unreadable in the input: the role may be newer than the window"]);
    // Without a date at all (an IaC role) the role is judged as before.
    const absent = { ...DOC, roles: DOC.roles.map((r) => (r.arn === ROLE ? { ...r, createDate: null } : r)) };
    expect(labelsOf(labelUsage({ ...agg, accessAdvisor: [], accessAnalyzer: [] }, absent, { asOf: "2026-11-01T00:00:00Z", dataEventsLogged: true }), "orders-api")["dynamodb:PutItem"]).toEqual(["unused", "not seen in CloudTrail"]);
  });

  it("never unused on partial data: a window reaching past the logs is unknowable", () => {
    const s = labelUsage({ ...agg, accessAdvisor: [], accessAnalyzer: [] }, DOC, { asOf: "2026-11-05T00:00:00Z" });
    expect(s.labels.find((l) => l.functionArn === fnArn("orders-api"))?.fullWindow).toBe(false);
    expect(labelsOf(s, "orders-api")["s3:ListAllMyBuckets"]).toEqual(["unknowable", "usage data misses 4 of 30 days of the window (first missing: 2026-11-01)"]);
    expect(s.labels.flatMap((l) => l.permissions).some((p) => p.label === "unused")).toBe(false);
  });

  it("Access Advisor's evidence of use needs no coverage: used for a role's only function, noted for a shared role", () => {
    // The window (from 2026-10-06) is not covered by the logs (they end 2026-10-31); Advisor saw
    // s3:ListAllMyBuckets on 2026-10-15.
    const alone = { ...DOC, functions: DOC.functions.filter((f) => f.name !== "orders-worker") };
    const one = labelUsage(agg, alone, { asOf: "2026-11-05T00:00:00Z" });
    const p = one.labels.find((l) => l.functionArn === fnArn("orders-api"))?.permissions.find((x) => x.action === "s3:ListAllMyBuckets");
    expect([p?.label, p?.reason, p?.lastUsed, p?.sources]).toEqual(["used", "Access Advisor: s3:ListAllMyBuckets last accessed 2026-10-15T12:00:00Z", "2026-10-15T12:00:00Z", ["access-advisor"]]);
    const shared = labelUsage(agg, DOC, { asOf: "2026-11-05T00:00:00Z" });
    const q = shared.labels.find((l) => l.functionArn === fnArn("orders-api"))?.permissions.find((x) => x.action === "s3:ListAllMyBuckets");
    expect([q?.label, q?.sources]).toEqual(["unknowable", ["access-advisor"]]);
    expect(q?.reason).toContain("Access Advisor: s3:ListAllMyBuckets last accessed 2026-10-15T12:00:00Z by one of the 2 functions sharing the role");
  });

  it("a role's two Advisor reports (service and action level) give each disagreement once per function", () => {
    const twice = labelUsage({ ...agg, accessAdvisor: [...agg.accessAdvisor, ...agg.accessAdvisor] }, DOC, { asOf: "2026-11-01T00:00:00Z" });
    const once = labelUsage(agg, DOC, { asOf: "2026-11-01T00:00:00Z" });
    expect(twice.disagreements).toEqual(once.disagreements);
  });

  it("merges Access Advisor and Access Analyzer and lists where they disagree", () => {
    const s = labelUsage(agg, DOC, { asOf: "2026-11-01T00:00:00Z", exceptions: [{ action: "ssm:Get*", functionArn: fnArn("orders-worker"), reason: "disaster recovery runbook" }] });
    const api = labelsOf(s, "orders-api");
    // Advisor saw ListAllMyBuckets, CloudTrail did not, the role is shared: not unused any more.
    expect(api["s3:ListAllMyBuckets"]?.[0]).toBe("unknowable");
    const apiPerms = s.labels.find((l) => l.functionArn === fnArn("orders-api"))?.permissions ?? [];
    expect(apiPerms.find((p) => p.action === "ssm:GetParameter")?.sources).toEqual(["access-advisor", "access-analyzer", "cloudtrail"]);
    expect(s.disagreements.map((d) => [d.action, d.message])).toEqual([
      ["s3:ListAllMyBuckets", "Access Advisor: s3:ListAllMyBuckets last accessed 2026-10-15T12:00:00Z, CloudTrail shows no call by this function"],
      ["s3:ListAllMyBuckets", "Access Advisor: s3:ListAllMyBuckets last accessed 2026-10-15T12:00:00Z, CloudTrail shows no call by this function"],
      ["secretsmanager:GetSecretValue", "Access Analyzer finding f-1 reports secretsmanager:GetSecretValue unused; cloudtrail shows it used 2026-10-05T10:00:00Z"],
    ]);
    const worker = s.labels.find((l) => l.functionArn === fnArn("orders-worker"))?.permissions ?? [];
    expect(worker.find((p) => p.action === "ssm:GetParameter")?.exception).toEqual({ reason: "disaster recovery runbook" });
    expect(worker.find((p) => p.action === "sqs:DeleteMessage")?.exception).toBeNull();
  });

  it("a role granting '*' (capped facts): every action of the services used is labelled, coverage says so", () => {
    const admin = role(ROLE, "2025-01-01T00:00:00Z", []);
    admin.inlinePolicies = [{ name: "admin", document: { Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: ["*"], Resource: ["*"] }] }, source: null }];
    admin.facts = computePrincipalFacts({ inlinePolicies: admin.inlinePolicies, managedPolicies: [] }, loadActionCatalogSync());
    expect(admin.facts.actionsTruncated).toBe(true);
    const s = labelUsage({ ...agg, accessAdvisor: [], accessAnalyzer: [] }, { roles: [admin], functions: [fn("orders-api", ROLE)], policies: {} }, { asOf: "2026-11-01T00:00:00Z" });
    const l = labelsOf(s, "orders-api");
    expect(l["secretsmanager:GetSecretValue"]).toEqual(["used", null]);
    expect(l["kms:Decrypt"]).toEqual(["used", "only denied calls seen"]);
    expect(l["secretsmanager:DeleteSecret"]).toEqual(["unused", "not seen in CloudTrail"]);
    // Per function, with the number of actions its own services give (the role's ARN first: generate
    // and the reports tell whose reason it is by it).
    const covered = Object.keys(l).length;
    expect(s.coverage.partialReasons).toContain(
      `${ROLE}: grants ${admin.facts.allowedActionCount} actions, more than the 2000 labelled one by one; only the ${covered} actions of the services function orders-api's sessions (${fnArn("orders-api")}) used are labelled`,
    );
  });

  it("a shared wide role: one partial reason per function, each naming it and the actions its own services give", () => {
    const admin = role(ROLE, "2025-01-01T00:00:00Z", []);
    admin.inlinePolicies = [{ name: "admin", document: { Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: ["*"], Resource: ["*"] }] }, source: null }];
    admin.facts = computePrincipalFacts({ inlinePolicies: admin.inlinePolicies, managedPolicies: [] }, loadActionCatalogSync());
    const s = labelUsage({ ...agg, accessAdvisor: [], accessAnalyzer: [] }, { roles: [admin], functions: [fn("orders-api", ROLE), fn("orders-worker", ROLE)], policies: {} }, { asOf: "2026-11-01T00:00:00Z" });
    const api = Object.keys(labelsOf(s, "orders-api")).length;
    const worker = Object.keys(labelsOf(s, "orders-worker")).length;
    // orders-api used DynamoDB, KMS and Secrets Manager, orders-worker SQS and SSM (and both, EC2
    // through Lambda's own sessions): different numbers, which without the function's name read as
    // one reason given twice with two answers.
    expect(api).not.toBe(worker);
    const wide = s.coverage.partialReasons.filter((r) => r.startsWith(`${ROLE}: grants ${admin.facts.allowedActionCount} actions`));
    // Sorted as text, as every partial reason is.
    expect(wide).toEqual(
      [
        `${ROLE}: grants ${admin.facts.allowedActionCount} actions, more than the 2000 labelled one by one; only the ${api} actions of the services function orders-api's sessions (${fnArn("orders-api")}) used are labelled`,
        `${ROLE}: grants ${admin.facts.allowedActionCount} actions, more than the 2000 labelled one by one; only the ${worker} actions of the services function orders-worker's sessions (${fnArn("orders-worker")}) used are labelled`,
      ].sort(),
    );
    // generate tells the reasons apart by the function each names (reasonFunctionArn).
    expect(wide.map(reasonFunctionArn).sort()).toEqual([fnArn("orders-api"), fnArn("orders-worker")]);
  });

  it("a wide role's labels leave out what a closed time window granted, as its facts do", () => {
    const wide = role(ROLE, "2025-01-01T00:00:00Z", []);
    wide.inlinePolicies = [
      {
        name: "wide",
        document: {
          Version: "2012-10-17",
          Statement: [
            { Effect: "Allow", Action: ["ec2:*", "secretsmanager:GetSecretValue", "kms:Decrypt"], Resource: ["*"] },
            // Break-glass access that ended in 2017: it grants nothing now.
            { Effect: "Allow", Action: ["secretsmanager:DeleteSecret"], Resource: ["*"], Condition: { DateLessThan: { "aws:CurrentTime": ["2017-12-31T23:59:59Z"] } } },
          ],
        },
        source: null,
      },
    ];
    const asOf = "2026-11-01T00:00:00.000Z";
    wide.facts = computePrincipalFacts({ inlinePolicies: wide.inlinePolicies, managedPolicies: [], earliestTime: Date.parse(asOf) }, loadActionCatalogSync());
    expect(wide.facts.actionsTruncated).toBe(true);
    const document = { roles: [wide], functions: [fn("orders-api", ROLE)], policies: {}, meta: { asOf } as CanonicalDocument["meta"] };
    const l = labelsOf(labelUsage({ ...agg, accessAdvisor: [], accessAnalyzer: [] }, document, { asOf }), "orders-api");
    expect(l["secretsmanager:GetSecretValue"]).toEqual(["used", null]);
    expect(l["secretsmanager:DeleteSecret"]).toBeUndefined();
    // Without the instant the window is unknown: the statement may still grant, and is labelled.
    const before = labelsOf(labelUsage({ ...agg, accessAdvisor: [], accessAnalyzer: [] }, { ...document, meta: { asOf: null } as unknown as CanonicalDocument["meta"] }, { asOf }), "orders-api");
    expect(before["secretsmanager:DeleteSecret"]).toEqual(["unused", "not seen in CloudTrail"]);
  });

  it("functions sharing a '*' role each get the actions of the services they used, not another's", () => {
    const admin = role(ROLE, "2025-01-01T00:00:00Z", []);
    admin.inlinePolicies = [{ name: "admin", document: { Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: ["*"], Resource: ["*"] }] }, source: null }];
    admin.facts = computePrincipalFacts({ inlinePolicies: admin.inlinePolicies, managedPolicies: [] }, loadActionCatalogSync());
    const names = ["orders-api", "orders-worker"];
    const plain = { ...agg, accessAdvisor: [], accessAnalyzer: [] };
    const actionsOf = (s: ReturnType<typeof labelUsage>, name: string) => (s.labels.find((l) => l.functionArn === fnArn(name))?.permissions ?? []).map((p) => p.action);
    // Together (one document: the granted lists are shared per role and services), and each alone.
    const together = labelUsage(plain, { roles: [admin], functions: names.map((n) => fn(n, ROLE)), policies: {} }, { asOf: "2026-11-01T00:00:00Z" });
    // Alone, without the other function's sessions: in the data but not in the document, they would
    // be sessions of no function on the role, whose calls count for every function of it.
    const only = (n: string) => ({ ...plain, sessions: plain.sessions.filter((x) => !names.includes(x.sessionName) || x.sessionName === n) });
    const alone = names.map((n) => labelUsage(only(n), { roles: [admin], functions: [fn(n, ROLE)], policies: {} }, { asOf: "2026-11-01T00:00:00Z" }));
    expect(new Set(actionsOf(alone[0]!, names[0]!).map((a) => a.split(":")[0]))).not.toEqual(new Set(actionsOf(alone[1]!, names[1]!).map((a) => a.split(":")[0])));
    names.forEach((n, i) => expect(actionsOf(together, n)).toEqual(actionsOf(alone[i]!, n)));
  });

  it("a role with sessions but no function in the document is labelled per role", () => {
    const ec2Role = role(`arn:aws:iam::${ACCT}:role/batch-role`, "2025-01-01T00:00:00Z", ["s3:ListAllMyBuckets", "sqs:DeleteMessage"]);
    const extra = { ...agg, accessAdvisor: [], accessAnalyzer: [], sessions: [...agg.sessions, { accountId: ACCT, roleArn: ec2Role.arn, sessionName: "i-0dbc91f429e48eeed", sessionCount: 1, invokedBy: null, regions: ["us-east-1"], firstSeen: "2026-10-09T00:00:00Z", lastSeen: "2026-10-09T00:00:00Z", unmapped: {}, actions: [{ action: "sqs:DeleteMessage", count: 3, deniedCount: 0, firstSeen: "2026-10-09T00:00:00Z", lastSeen: "2026-10-09T00:00:00Z", resources: [], resourcesTruncated: false, resourcePrefix: null, errorCodes: {} }] }] };
    const s = labelUsage(extra, { ...DOC, roles: [...DOC.roles, ec2Role] }, { asOf: "2026-11-01T00:00:00Z" });
    const l = s.labels.find((x) => x.roleArn === ec2Role.arn);
    expect(l?.functionArn).toBeNull();
    expect(l?.permissions.map((p) => [p.action, p.label])).toEqual([["s3:ListAllMyBuckets", "unused"], ["sqs:DeleteMessage", "used"]]);
    expect(s.principals.find((p) => p.roleArn === ec2Role.arn)?.sessionKind).toBe("other");
  });

  it("a person's role (IAM Identity Center) with sessions is not labelled, and its wide grant does not make the usage partial", () => {
    // Found by a tester on an account where an administrator signed in through IAM Identity Center:
    // the AWSReservedSSO_ role, AdministratorAccess, was labelled as a role without a function,
    // and "grants 17,000 actions; labels cover …" marked the whole usage section partial.
    const ssoArn = `arn:aws:iam::${ACCT}:role/aws-reserved/sso.amazonaws.com/AWSReservedSSO_AdministratorAccess_0123456789abcdef`;
    const admin = (arn: string, principal: object): Role => {
      const r = role(arn, "2025-01-01T00:00:00Z", []);
      r.trustPolicy = { Version: "2012-10-17", Statement: [{ Effect: "Allow", Principal: principal, Action: ["sts:AssumeRoleWithSAML", "sts:TagSession", "sts:AssumeRole"] }] } as Role["trustPolicy"];
      r.trustsLambda = "Service" in principal;
      r.inlinePolicies = [{ name: "admin", document: { Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: ["*"], Resource: ["*"] }] }, source: null }];
      r.facts = computePrincipalFacts({ inlinePolicies: r.inlinePolicies, managedPolicies: [] }, loadActionCatalogSync());
      return r;
    };
    const sso = admin(ssoArn, { Federated: [`arn:aws:iam::${ACCT}:saml-provider/AWSSSO_0123456789abcdef_DO_NOT_DELETE`] });
    const orphan = admin(`arn:aws:iam::${ACCT}:role/old-admin-fn-role`, { Service: ["lambda.amazonaws.com"] });
    const session = (roleArn: string, name: string) => ({ accountId: ACCT, roleArn, sessionName: name, sessionCount: 1, invokedBy: null, regions: ["us-east-1"], firstSeen: "2026-10-09T00:00:00Z", lastSeen: "2026-10-09T00:00:00Z", unmapped: {}, actions: [{ action: "s3:ListAllMyBuckets", count: 1, deniedCount: 0, firstSeen: "2026-10-09T00:00:00Z", lastSeen: "2026-10-09T00:00:00Z", resources: [], resourcesTruncated: false, resourcePrefix: null, errorCodes: {} }] });
    const plain = { ...agg, accessAdvisor: [], accessAnalyzer: [] };
    const withSso = labelUsage({ ...plain, sessions: [...plain.sessions, session(ssoArn, "alice@example.com")] }, { ...DOC, roles: [...DOC.roles, sso], policies: {} }, { asOf: "2026-11-01T00:00:00Z" });
    expect(withSso.labels.find((x) => x.roleArn === ssoArn)).toBeUndefined();
    expect(withSso.coverage.partialReasons.filter((r) => r.includes("AWSReservedSSO"))).toEqual([]);
    // Nor listed: a person's role is no execution role (listedSessions, labels.ts); its record is counted.
    expect(withSso.principals.find((p) => p.roleArn === ssoArn)).toBeUndefined();
    expect(withSso.coverage.recordsRead).toBe(plain.coverage.recordsRead);
    // A role Lambda may assume, whose functions are not in the inputs, is still labelled, and says
    // that its labels cover part of its grant.
    const withOrphan = labelUsage({ ...plain, sessions: [...plain.sessions, session(orphan.arn, "old-admin-fn")] }, { ...DOC, roles: [...DOC.roles, orphan], policies: {} }, { asOf: "2026-11-01T00:00:00Z" });
    expect(withOrphan.labels.find((x) => x.roleArn === orphan.arn)?.permissions.find((p) => p.action === "s3:ListAllMyBuckets")?.label).toBe("used");
    expect(withOrphan.coverage.partialReasons.some((r) => r.startsWith(`${orphan.arn}: grants`))).toBe(true);
  });

  it("lists the sessions of roles that are or may be execution roles, and those named like a function on any role", () => {
    const plain = { ...agg, accessAdvisor: [], accessAnalyzer: [] };
    const task = `arn:aws:iam::${ACCT}:role/orders-task`;
    const taskRole = role(task, "2025-01-01T00:00:00Z", []);
    taskRole.trustsLambda = false;
    taskRole.trustPolicy = { Version: "2012-10-17", Statement: [{ Effect: "Allow", Principal: { Service: ["ecs-tasks.amazonaws.com"] }, Action: ["sts:AssumeRole"] }] } as Role["trustPolicy"];
    const unknownTrust = { ...role(`arn:aws:iam::${ACCT}:role/imported-role`, "2025-01-01T00:00:00Z", []), trustPolicy: null, trustsLambda: false };
    const other = (roleArn: string, sessionName: string, invokedBy: string | null = null) => ({ ...plain.sessions[0]!, roleArn, sessionName, invokedBy, sessionCount: 1 });
    const sessions = [
      other(task, "0f1e2d3c4b5a69788796a5b4c3d2e1f0"), // a task's session: not listed
      other(task, "orders-api"), // named like a function on another role: listed (generate's sessionsElsewhere)
      other(ROLE, "alice"), // a person on an execution role: listed, its calls unknowable for the role's functions
      other(unknownTrust.arn, "bob"), // a role whose trust policy the inputs do not hold: listed
      other(`arn:aws:iam::${ACCT}:role/not-in-inputs`, "carol"), // a role the inputs do not hold: not listed
      other(`arn:aws:iam::${ACCT}:role/not-in-inputs`, "awslambda_123", "lambda.amazonaws.com"), // Lambda's own session: listed
    ];
    const s = labelUsage({ ...plain, sessions: [...plain.sessions, ...sessions] }, { ...DOC, roles: [...DOC.roles, taskRole, unknownTrust], policies: {} }, { asOf: "2026-11-01T00:00:00Z" });
    const listed = s.principals.filter((p) => !plain.sessions.some((q) => q.roleArn === p.roleArn && q.sessionName === p.sessionName)).map((p) => `${p.roleArn.split("/").pop()} ${p.sessionName} ${p.sessionKind}`);
    expect(listed.sort()).toEqual(["imported-role bob other", "not-in-inputs awslambda_123 lambda-service", "orders-role alice other", "orders-task orders-api other"]);
    expect(s.coverage).toEqual(labelUsage(plain, DOC, { asOf: "2026-11-01T00:00:00Z" }).coverage);
  });

  it("law: sessions of roles that are no execution role, named like no function, change nothing in the section", () => {
    const plain = { ...agg, accessAdvisor: [], accessAnalyzer: [] };
    const docRoles = new Set(DOC.roles.map((r) => r.name));
    const names = new Set(DOC.functions.map((f) => f.name));
    const ident = fc.stringMatching(/^[a-z][a-z0-9-]{0,12}$/);
    const noise = fc.array(
      fc.record({ role: ident.filter((r) => !docRoles.has(r)), name: fc.oneof(ident, fc.stringMatching(/^i-[0-9a-f]{17}$/)).filter((n) => !names.has(n)), action: fc.constantFrom("s3:GetObject", "dynamodb:GetItem", "ecs:DescribeTasks", "sts:GetCallerIdentity"), count: fc.integer({ min: 1, max: 9 }) }),
      { maxLength: 12 },
    );
    const base = labelUsage(plain, DOC, { asOf: "2026-11-01T00:00:00Z" });
    fc.assert(
      fc.property(noise, (ns) => {
        const extra = ns.map((n) => ({ ...plain.sessions[0]!, roleArn: `arn:aws:iam::${ACCT}:role/${n.role}`, sessionName: n.name, invokedBy: null, sessionCount: 1, actions: [{ ...plain.sessions[0]!.actions[0]!, action: n.action, count: n.count, deniedCount: 0, errorCodes: {} }] }));
        expect(labelUsage({ ...plain, sessions: [...extra, ...plain.sessions] }, DOC, { asOf: "2026-11-01T00:00:00Z" })).toEqual(base);
      }),
      { numRuns: 60 },
    );
  });

  it("a call after the as-of instant is outside the window: not a use as of then", () => {
    // Found by the CloudTrail sweep (session 14): with --as-of 2026-11-28, a call dated 2027-01-10
    // made the action "used". The window is [as-of − windowDays, as-of), as the coverage's days.
    const plain = { ...agg, accessAdvisor: [], accessAnalyzer: [] };
    const s = labelUsage(plain, DOC, { asOf: "2026-10-05T00:00:00Z", windowDays: 3 });
    expect(s.window).toEqual({ start: "2026-10-02T00:00:00Z", end: "2026-10-05T00:00:00Z", days: 3 });
    const api = labelsOf(s, "orders-api");
    expect(api["dynamodb:GetItem"]).toEqual(["used", null]);
    expect(api["secretsmanager:GetSecretValue"]).toEqual(["unused", "seen only after the window's end (2026-10-05), from 2026-10-05"]);
    expect(api["kms:Decrypt"]).toEqual(["unused", "seen only after the window's end (2026-10-05), from 2026-10-06"]);
    expect(labelsOf(s, "orders-worker")["ssm:GetParameter"]).toEqual(["unused", "last seen 2026-08-01, before the window"]);
  });

  it("calls before the window and after its end with none known inside leave the action unknowable", () => {
    // The aggregate keeps a session's first and last call only: one before the window and one
    // after its end may or may not have others between them.
    const around = { ...agg.sessions.find((x) => x.sessionName === "orders-api")!, actions: [{ action: "ssm:GetParameter", count: 2, deniedCount: 0, firstSeen: "2026-09-01T10:00:00Z", lastSeen: "2026-10-20T10:00:00Z", resources: [], resourcesTruncated: false, resourcePrefix: null, errorCodes: {} }] };
    const worker = agg.sessions.find((x) => x.sessionName === "orders-worker")!;
    const at = (action: string, time: string) => ({ action, count: 1, deniedCount: 0, firstSeen: time, lastSeen: time, resources: [], resourcesTruncated: false, resourcePrefix: null, errorCodes: {} });
    const before = { ...worker, actions: [at("ssm:GetParameter", "2026-08-01T10:00:00Z")] };
    const after = { ...worker, actions: [at("s3:ListAllMyBuckets", "2026-10-25T10:00:00Z"), at("ssm:GetParameter", "2026-10-25T10:00:00Z")] };
    const s = labelUsage({ ...agg, accessAdvisor: [], accessAnalyzer: [], sessions: [around, before, after] }, DOC, { asOf: "2026-10-10T00:00:00Z", windowDays: 3 });
    expect(labelsOf(s, "orders-api")["ssm:GetParameter"]).toEqual(["unknowable", "calls seen before the window and after its end; whether one fell inside it is not known"]);
    expect(labelsOf(s, "orders-worker")["s3:ListAllMyBuckets"]).toEqual(["unused", "seen only after the window's end (2026-10-10), from 2026-10-25"]);
    expect(labelsOf(s, "orders-worker")["ssm:GetParameter"]).toEqual(["unused", "last seen 2026-08-01 before the window, then only after the window's end (2026-10-10), from 2026-10-25"]);
  });

  it("an Access Advisor access after the window's end is neither a use in it nor agreement that it went unused", () => {
    // The cloudmapper-style report above says s3:ListAllMyBuckets was accessed 2026-10-15.
    const s = labelUsage(agg, DOC, { asOf: "2026-10-10T00:00:00Z", windowDays: 7 });
    const p = s.labels.find((l) => l.functionArn === fnArn("orders-api"))?.permissions.find((x) => x.action === "s3:ListAllMyBuckets");
    expect([p?.label, p?.sources]).toEqual(["unused", ["cloudtrail"]]);
  });

  it("the result is deterministic and does not depend on file order", async () => {
    const again = await readUsage([join(dir, "analyzer.json"), join(dir, "advisor.json"), join(dir, "trail.json")], { workers: 2 });
    expect(labelUsage(again, DOC, { asOf: "2026-11-01T00:00:00Z" })).toEqual(labelUsage(agg, DOC, { asOf: "2026-11-01T00:00:00Z" }));
  });
});

describe("Access Advisor corpus (cloudmapper demo account)", () => {
  it("joins get-service-last-accessed-details to roles through the generate files", async () => {
    const a = await readUsage([join(CORPUS, "cloudmapper-demo-account/account-data/demo/us-east-1/iam-get-service-last-accessed-details")], { workers: 1 });
    expect(a.accessAdvisor.map((r) => [r.roleArn, r.services.map((s) => `${s.namespace}@${s.lastAuthenticated ?? "never"}`)])).toEqual(
      expect.arrayContaining([["arn:aws:iam::123456789012:role/service-role/level1", ["logs@2019-04-15T04:19:00Z"]]]),
    );
    // exfiller's report (job …71) names level1 as its LastAuthenticatedEntity, a leftover of the
    // demo's sanitisation: for a role's report that entity is "the role ARN that you used to
    // generate the report" (IAM API Reference, GetServiceLastAccessedDetails), so the report is not
    // exfiller's. Left out and said, not merged into exfiller's labels.
    expect(a.accessAdvisor.map((r) => r.roleArn).sort()).toEqual(["arn:aws:iam::123456789012:role/bad_role", "arn:aws:iam::123456789012:role/level3", "arn:aws:iam::123456789012:role/service-role/level1"]);
    expect(a.warnings.map((w) => [w.code, w.file?.endsWith("/a2b53fd9-88bc-d0b5-1b9a-af9c4af22371")])).toEqual([["access-advisor-role-mismatch", true]]);
    expect(a.accessAdvisor.every((r) => r.roleArn !== null && r.jobType === "SERVICE_LEVEL")).toBe(true);
    expect(a.coverage.partial).toBe(false);
  });
});

describe("Access Advisor as `leastrole collect` writes it", () => {
  it("names the role by its Arn, also when no service was ever accessed (no entity to name it)", async () => {
    const d = mkdtempSync(join(tmpdir(), "leastrole-advisor-"));
    const file = join(d, "orders-fn-role.json");
    writeFileSync(file, JSON.stringify({
      Arn: ROLE, Granularity: "ACTION_LEVEL", JobId: "j-1", JobStatus: "COMPLETED", JobType: "ACTION_LEVEL", JobCreationDate: "2026-10-31T00:00:00Z", JobCompletionDate: "2026-10-31T00:01:00Z",
      ServicesLastAccessed: [{ ServiceName: "AWS Systems Manager", ServiceNamespace: "ssm", TotalAuthenticatedEntities: 0 }],
    }));
    const a = await readUsage([file], { workers: 1 });
    expect(a.accessAdvisor.map((r) => r.roleArn)).toEqual([ROLE]);
    // Merged into the role's labels: Access Advisor confirms the unused permission.
    const s = labelUsage({ ...agg, accessAdvisor: a.accessAdvisor, accessAnalyzer: [] }, DOC, { asOf: "2026-11-01T00:00:00Z" });
    const p = s.labels.find((l) => l.functionArn === fnArn("orders-api"))?.permissions.find((x) => x.action === "ssm:GetParameter");
    expect([p?.label, p?.sources]).toEqual(["unused", ["access-advisor", "cloudtrail"]]);
  });
});

describe("coverage where each function is", () => {
  // An organisation trail: account 210987654321 joined on 2026-10-20, and this account's trail has
  // logged eu-west-1 only since 2026-10-25. The data as a whole covers every day of October.
  const B = "210987654321";
  const day = (d: number): string => `2026-10-${String(d).padStart(2, "0")}`;
  const listRoles = (account: string, d: number, region: string): object => ({
    eventVersion: "1.08",
    userIdentity: { type: "IAMUser", principalId: "AIDATFQR7NSC5U6Q3TMDR", arn: `arn:aws:iam::${account}:user/benjamin`, accountId: account, userName: "benjamin" },
    eventTime: `${day(d)}T08:00:00Z`, eventSource: "iam.amazonaws.com", eventName: "ListRoles", awsRegion: region, eventID: `cov-${account}-${region}-${d}`, eventType: "AwsApiCall", recipientAccountId: account,
  });
  const inRegion = (f: LambdaFunction, region: string, account = ACCT): LambdaFunction => ({ ...f, accountId: account, region, arn: `arn:aws:lambda:${region}:${account}:function:${f.name}`, roleArn: f.roleArn.replace(ACCT, account) });
  const granted = ["ssm:GetParameter", "s3:ListAllMyBuckets"];

  it("labels nothing unused where the data starts late: an account that joined the trail, a region logged from a later day", async () => {
    const d = mkdtempSync(join(tmpdir(), "leastrole-places-"));
    const records = [
      ...Array.from({ length: 31 }, (_, i) => listRoles(ACCT, i + 1, "us-east-1")),
      ...Array.from({ length: 12 }, (_, i) => listRoles(B, i + 20, "us-east-1")),
      ...Array.from({ length: 7 }, (_, i) => listRoles(ACCT, i + 25, "eu-west-1")),
    ];
    writeFileSync(join(d, "trail.json"), JSON.stringify({ Records: records }));
    const aggregate = await readUsage([d], { workers: 1 });
    const roleB = { ...role(ROLE.replace(ACCT, B), "2025-01-01T00:00:00Z", granted), accountId: B };
    const doc = {
      roles: [role(ROLE, "2025-01-01T00:00:00Z", granted), roleB],
      functions: [fn("here", ROLE), inRegion(fn("there", ROLE), "eu-west-1"), inRegion(fn("joined", ROLE), "us-east-1", B)],
    };
    const s = labelUsage(aggregate, doc, { asOf: "2026-11-01T00:00:00Z" });
    const of = (arn: string) => s.labels.find((l) => l.functionArn === arn);
    // The function where the data covers the window: its unused permissions are unused.
    expect(of(fnArn("here"))?.fullWindow).toBe(true);
    expect(of(fnArn("here"))?.permissions.map((p) => p.label)).toEqual(["unused", "unused"]);
    // Account B's data starts on the 20th: unknowable, and said why.
    const joined = of(`arn:aws:lambda:us-east-1:${B}:function:joined`);
    expect(joined?.fullWindow).toBe(false);
    expect(joined?.permissions.map((p) => [p.label, p.reason])).toEqual(granted.map(() => ["unknowable", `usage data for account ${B} misses 18 of 30 days of the window (first missing: 2026-10-02)`]).sort());
    // eu-west-1's data starts on the 25th: the account is covered, the function's region is not.
    const there = of(`arn:aws:lambda:eu-west-1:${ACCT}:function:there`);
    expect(there?.fullWindow).toBe(false);
    expect(new Set(there?.permissions.map((p) => p.reason))).toEqual(new Set([`usage data for account ${ACCT} in eu-west-1 starts 2026-10-25, after the window's first day 2026-10-02`]));
    expect(s.coverage.partialPlaces).toEqual([
      { accountId: ACCT, region: "eu-west-1", reason: `usage data for account ${ACCT} in eu-west-1 starts 2026-10-25, after the window's first day 2026-10-02` },
      { accountId: B, region: null, reason: `usage data for account ${B} misses 18 of 30 days of the window (first missing: 2026-10-02)` },
    ]);
    // The window as a whole is covered: nothing is partial overall.
    expect(s.coverage.partial).toBe(false);
  });
});
