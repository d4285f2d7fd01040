import { describe, expect, it } from "vitest";
import { childPatternOf, generatePolicy, matchResourceType, mergeActionUsage, observedGrants } from "../../src/generate/index.js";
import { evaluateRequest, loadActionCatalogSync } from "../../src/iam/index.js";
import { accountWidePattern } from "../../src/iam/resource-types.js";
import { action, document, lambdaFunction, role, roleArn, session } from "./fixtures.js";

const catalog = loadActionCatalogSync();
const info = (a: string) => {
  const i = catalog.action(a);
  if (i === null) throw new Error(`${a} not in catalog`);
  return i;
};
const place = { partition: "aws", region: "us-east-1", account: "123456789012" };
const T = (name: string) => `arn:aws:dynamodb:us-east-1:123456789012:table/${name}`;

describe("resource types of observed ARNs (Service Authorization Reference formats)", () => {
  it("tells an S3 object from its bucket, keys with slashes included", () => {
    expect(matchResourceType(info("s3:GetObject"), "arn:aws:s3:::docs/a/b/c.pdf", catalog)?.type).toBe("object");
    expect(matchResourceType(info("s3:GetObject"), "arn:aws:s3:::docs/a/b/c.pdf")?.values.map((v) => v.value)).toEqual(["aws", "docs", "a/b/c.pdf"]);
    expect(matchResourceType(info("s3:GetObject"), "arn:aws:s3:::docs")).toBeNull();
    expect(matchResourceType(info("s3:ListBucket"), "arn:aws:s3:::docs")?.type).toBe("bucket");
    expect(matchResourceType(info("s3:ListBucket"), "arn:aws:s3:::docs/key", catalog)).toBeNull();
  });

  it("tells a DynamoDB table from its index", () => {
    expect(matchResourceType(info("dynamodb:Query"), T("orders"))?.type).toBe("table");
    expect(matchResourceType(info("dynamodb:Query"), `${T("orders")}/index/by-customer`)?.type).toBe("index");
    // GetItem takes only tables: the index ARN CloudTrail may list is not its resource.
    expect(matchResourceType(info("dynamodb:GetItem"), `${T("orders")}/index/by-customer`)?.type).not.toBe("index");
  });

  it("matches SSM parameter paths and qualified Lambda ARNs leniently", () => {
    expect(matchResourceType(info("ssm:GetParameter"), "arn:aws:ssm:us-east-1:123456789012:parameter/app/prod/db")?.type).toBe("parameter");
    expect(matchResourceType(info("lambda:InvokeFunction"), "arn:aws:lambda:us-east-1:123456789012:function:f:prod", catalog)?.type).toBe("function");
    expect(matchResourceType(info("ssm:GetParameter"), "arn:aws:ssm:us-east-1:123456789012:parameter/app/prod/db", catalog)?.type).toBe("parameter");
  });

  it("takes names with line terminators (an S3 key with LF, CR or U+2028), as S3 allows", () => {
    for (const key of ["w/line1\nline2.csv", "w/a\rb", "w/ls\u2028ps\u2029x"]) {
      expect(matchResourceType(info("s3:GetObject"), `arn:aws:s3:::docs/${key}`, catalog)?.values.map((v) => v.value), JSON.stringify(key)).toEqual(["aws", "docs", key]);
      const r = observedGrants([action("s3:GetObject", 1, [`arn:aws:s3:::docs/${key}`])], catalog, place);
      expect(r.grants.map((g) => [g.resource, g.scoping])).toEqual([[`arn:aws:s3:::docs/${key}`, "exact"]]);
    }
    expect(childPatternOf(info("s3:GetObject"), "arn:aws:s3:::docs")?.pattern).toBe("arn:aws:s3:::docs/*");
    expect(matchResourceType(info("ssm:GetParameter"), "arn:aws:ssm:us-east-1:123456789012:parameter/a\nb", catalog)?.type).toBe("parameter");
  });

  it("derives everything-under-a-parent patterns", () => {
    expect(childPatternOf(info("s3:GetObject"), "arn:aws:s3:::docs")).toEqual({ type: "object", pattern: "arn:aws:s3:::docs/*" });
    expect(childPatternOf(info("logs:PutLogEvents"), "arn:aws:logs:us-east-1:123456789012:log-group:/aws/lambda/f")).toEqual({
      type: "log-stream",
      pattern: "arn:aws:logs:us-east-1:123456789012:log-group:/aws/lambda/f:log-stream:*",
    });
    expect(childPatternOf(info("dynamodb:GetItem"), "arn:aws:s3:::docs")).toBeNull();
  });

  it("instantiates a type for an account", () => {
    expect(accountWidePattern(info("dynamodb:GetItem"), { ...place, region: "*" })).toEqual({ type: "table", pattern: "arn:aws:dynamodb:*:123456789012:table/*" });
  });
});

describe("observed usage → grants", () => {
  const grantsOf = (usages: ReturnType<typeof action>[], threshold?: number) => observedGrants(usages, catalog, place, threshold);

  it("keeps exact ARNs below the prefix threshold", () => {
    const r = grantsOf([action("dynamodb:GetItem", 5, [T("orders-eu"), T("orders-us")])]);
    expect(r.grants.map((g) => [g.resource, g.scoping])).toEqual([
      [T("orders-eu"), "exact"],
      [T("orders-us"), "exact"],
    ]);
  });

  it("compresses three ARNs of one parent sharing a non-trivial prefix", () => {
    const r = grantsOf([action("dynamodb:GetItem", 5, [T("orders-eu"), T("orders-us"), T("orders-ap")])]);
    expect(r.grants.map((g) => [g.resource, g.scoping])).toEqual([[T("orders-*"), "prefix"]]);
  });

  it("does not compress when the shared prefix is empty (would be table/*)", () => {
    const r = grantsOf([action("dynamodb:GetItem", 5, [T("a"), T("b"), T("c")])]);
    expect(r.grants.map((g) => g.resource)).toEqual([T("a"), T("b"), T("c")]);
  });

  it("compresses per parent: one bucket's keys, not across buckets or accounts", () => {
    const r = grantsOf([
      action("s3:GetObject", 9, [
        "arn:aws:s3:::b1/in/1.json",
        "arn:aws:s3:::b1/in/2.json",
        "arn:aws:s3:::b1/in/3.json",
        "arn:aws:s3:::b2/in/1.json",
        "arn:aws:s3:::b1", // the bucket CloudTrail lists next to the object: not GetObject's resource
      ]),
    ]);
    expect(r.grants.map((g) => g.resource)).toEqual(["arn:aws:s3:::b1/in/*", "arn:aws:s3:::b2/in/1.json"]);
  });

  it("respects a custom threshold", () => {
    const r = grantsOf([action("dynamodb:GetItem", 5, [T("orders-eu"), T("orders-us")])], 2);
    expect(r.grants.map((g) => g.resource)).toEqual([T("orders-*")]);
  });

  it("uses the usage stage's prefix of every resource when the sample was truncated, and warns", () => {
    const r = grantsOf([action("dynamodb:GetItem", 5000, [T("orders-0001"), T("orders-0002")], { resourcesTruncated: true, resourcePrefix: `${T("orders-")}*` })]);
    expect(r.grants.map((g) => [g.resource, g.scoping])).toEqual([[T("orders-*"), "truncated-prefix"]]);
    expect(r.warnings.map((w) => w.code)).toEqual(["resources-truncated"]);
  });

  it("grants each parent's prefix of a truncated sample, leaving out the bucket listed beside the objects", () => {
    const O = (k: string) => `arn:aws:s3:::${k}`;
    const r = grantsOf([
      action("s3:GetObject", 900, [O("acme-in"), O("acme-in/2026/01/a.json")], {
        resourcesTruncated: true,
        resourcePrefix: `${O("acme-")}*`,
        resourceParents: [
          { prefix: O("acme-in"), single: true },
          { prefix: O("acme-in/2026/"), single: false },
          { prefix: O("acme-out/summary.json"), single: true },
        ],
      }),
    ]);
    expect(r.grants.map((g) => [g.resource, g.scoping])).toEqual([
      [O("acme-in/2026/*"), "truncated-prefix"],
      [O("acme-out/summary.json"), "truncated-prefix"],
    ]);
    expect(r.warnings.find((w) => w.code === "resources-truncated")?.message).toContain(`${O("acme-in/2026/*")}, ${O("acme-out/summary.json")}`);
    // Without the parents (beyond 32, or an older document): the one prefix, as before.
    const old = grantsOf([action("s3:GetObject", 900, [O("acme-in/2026/01/a.json")], { resourcesTruncated: true, resourcePrefix: `${O("acme-")}*` })]);
    expect(old.grants.map((g) => g.resource)).toEqual([O("acme-*")]);
  });

  it("grants everything under each bucket of a truncated sample that named only buckets", () => {
    const O = (k: string) => `arn:aws:s3:::${k}`;
    const r = grantsOf([
      action("s3:GetObject", 900, [O("acme-a"), O("acme-b")], {
        resourcesTruncated: true,
        resourcePrefix: `${O("acme-")}*`,
        resourceParents: [
          { prefix: O("acme-a"), single: true },
          { prefix: O("acme-b"), single: true },
        ],
      }),
    ]);
    // Not the buckets themselves (GetObject is authorised on objects), nor acme-* (every bucket named so).
    expect(r.grants.map((g) => [g.resource, g.scoping])).toEqual([
      [O("acme-a/*"), "unnamed"],
      [O("acme-b/*"), "unnamed"],
    ]);
  });

  it("merges the parents of the sessions' samples, a complete sample's from its resources", () => {
    // Two sessions (two accounts' copies, a function renamed …): one truncated, one complete.
    const a = action("dynamodb:GetItem", 500, [T("orders-1")], { resourcesTruncated: true, resourcePrefix: `${T("orders-")}*`, resourceParents: [{ prefix: T("orders-"), single: false }] });
    const b = action("dynamodb:GetItem", 2, ["arn:aws:dynamodb:eu-west-1:123456789012:table/audit"]);
    const merged = mergeActionUsage([a, b]);
    expect(merged[0]?.resourceParents).toEqual([
      { prefix: "arn:aws:dynamodb:eu-west-1:123456789012:table/audit", single: true },
      { prefix: T("orders-"), single: false },
    ]);
    const g = observedGrants(merged, catalog, place, 3);
    expect(g.grants.map((x) => x.resource)).toEqual(["arn:aws:dynamodb:eu-west-1:123456789012:table/audit", T("orders-*")]);
  });

  it("grants everything under a parent when only the parent was recorded, and warns", () => {
    const r = grantsOf([action("s3:GetObject", 3, ["arn:aws:s3:::reports"])]);
    expect(r.grants.map((g) => [g.resource, g.scoping])).toEqual([["arn:aws:s3:::reports/*", "parent"]]);
    expect(r.warnings.map((w) => w.code)).toEqual(["parent-resource-only"]);
  });

  it("scopes to the account when no resource was recorded, and warns", () => {
    const r = grantsOf([action("dynamodb:DescribeTable", 3)]);
    expect(r.grants.map((g) => [g.resource, g.scoping])).toEqual([["arn:aws:dynamodb:us-east-1:123456789012:table/*", "unnamed"]]);
    const anyRegion = observedGrants([action("dynamodb:DescribeTable", 3)], catalog, { ...place, region: "*" });
    expect(anyRegion.grants.map((g) => g.resource)).toEqual(["arn:aws:dynamodb:*:123456789012:table/*"]);
    expect(r.warnings.map((w) => w.code)).toEqual(["no-resource-recorded"]);
  });

  it("grants * when no resource was recorded and the action's one resource type is optional", () => {
    // CloudWatch's metric calls name no dataset; the catalog lists `dataset` as optional, and AWS's
    // CloudWatch policies grant them on *. A dataset/* pattern denies every such call.
    for (const a of ["cloudwatch:PutMetricData", "cloudwatch:GetMetricData", "cloudwatch:ListMetrics"]) {
      const r = grantsOf([action(a, 2)]);
      expect(r.grants.map((g) => [g.resource, g.scoping]), a).toEqual([["*", "unnamed"]]);
      expect(r.warnings.map((w) => w.code)).toEqual(["no-resource-recorded"]);
    }
    const fn = lambdaFunction("metrics-fn", roleArn("metrics-role"));
    const doc = document([fn], [role(fn.roleArn, [fn.arn])], [session(fn, [action("cloudwatch:PutMetricData", 2)])]);
    const g = generatePolicy(doc, fn.arn, {}, catalog);
    expect(evaluateRequest({ identityPolicies: [g.policy], request: { action: "cloudwatch:PutMetricData", resource: "*" } }).decision).toBe("allowed");
    expect(g.wildcards.find((w) => w.action === "cloudwatch:PutMetricData")?.reason).toContain("one resource type is optional");
    // A required type (DynamoDB's table, or its index a Query may run on), or optional types that
    // are alternatives of which a call names one (S3's object and access point object), keep
    // account-wide patterns, one per type.
    expect(grantsOf([action("dynamodb:Query", 1)]).grants.map((g) => g.resource)).toEqual(["arn:aws:dynamodb:us-east-1:123456789012:table/*/index/*", "arn:aws:dynamodb:us-east-1:123456789012:table/*"]);
    expect(grantsOf([action("s3:GetObject", 1)]).grants.map((g) => g.resource)).not.toContain("*");
  });

  it("grants every resource type's pattern when none was recorded and the action has several, and says so", () => {
    // Before: the first type only. bedrock:InvokeModel got application-inference-profile/*, which
    // refuses a call on a foundation model; s3:GetObject got object, refusing an access point's.
    const r = grantsOf([action("bedrock:InvokeModel", 2)]);
    const types = info("bedrock:InvokeModel").resourceTypes;
    expect(types.length).toBeGreaterThan(1);
    const granted = r.grants.map((g) => g.resource);
    expect(r.grants.every((g) => g.scoping === "unnamed")).toBe(true);
    const allows = (a: string, resource: string) => evaluateRequest({ identityPolicies: [{ Version: "2012-10-17", Statement: granted.map((g) => ({ Effect: "Allow", Action: [a], Resource: [g] })) }], request: { action: a, resource } }).decision === "allowed";
    expect(allows("bedrock:InvokeModel", "arn:aws:bedrock:us-east-1::foundation-model/anthropic.claude-3-haiku-20240307-v1:0")).toBe(true);
    expect(allows("bedrock:InvokeModel", "arn:aws:bedrock:us-east-1:123456789012:inference-profile/us.anthropic.claude-3-haiku-20240307-v1:0")).toBe(true);
    expect(allows("bedrock:InvokeModel", "arn:aws:bedrock:us-east-1:123456789012:application-inference-profile/p1")).toBe(true);
    // Still the function's account and Region, not *.
    expect(granted).not.toContain("*");
    expect(allows("bedrock:InvokeModel", "arn:aws:bedrock:us-east-1:999999999999:application-inference-profile/p1")).toBe(false);
    expect(r.warnings.map((w) => w.code)).toEqual(["no-resource-recorded"]);
    expect(r.warnings[0]?.message).toContain(`every one of its ${types.length} resource types`);
    const s3 = grantsOf([action("s3:GetObject", 1)]).grants.map((g) => g.resource);
    expect(s3).toContain("arn:aws:s3:::*/*");
    expect(s3.some((g) => g.includes(":accesspoint/"))).toBe(true);
  });

  it("grants API Gateway's verb actions on every path in the Region when no path was recorded", () => {
    // Before: apigateway:GET on /account (the first type) refused GetRestApis, authorised on /restapis.
    const r = grantsOf([action("apigateway:GET", 2)]);
    expect(r.grants.map((g) => [g.resource, g.scoping])).toEqual([["arn:aws:apigateway:us-east-1::/*", "unnamed"]]);
    expect(r.warnings[0]?.message).toContain("every API Gateway path in the Region");
    const sns = grantsOf([action("sns:Publish", 1, ["arn:aws:sns:us-east-1:123456789012:t"], { unnamedCalls: 1 })]).grants.map((g) => g.resource);
    expect(sns).toEqual(["arn:aws:sns:us-east-1:123456789012:t", "*"]);
  });

  it("grants actions without resource-level permissions on * only", () => {
    const r = grantsOf([action("sts:GetCallerIdentity", 3, ["arn:aws:sts::123456789012:assumed-role/x/y"])]);
    expect(r.grants.map((g) => [g.action, g.resource, g.scoping])).toEqual([["sts:GetCallerIdentity", "*", "no-resource-level-permissions"]]);
  });

  it("does not grant actions whose every call was denied", () => {
    const r = grantsOf([action("iam:PassRole", 4, [], { deniedCount: 4, errorCodes: { AccessDenied: 4 } })]);
    expect(r.grants).toEqual([]);
    expect(r.warnings.map((w) => w.code)).toEqual(["denied-calls-not-granted"]);
    expect(r.observedActions).toBe(0);
  });

  it("names the denial codes the calls got, not always AccessDenied", () => {
    // Before, each of these said "denied (AccessDenied)": DynamoDB answers AccessDeniedException,
    // EC2 Client.UnauthorizedOperation, SNS AuthorizationError.
    const r = grantsOf([
      action("dynamodb:DeleteTable", 2, [T("t")], { deniedCount: 2, errorCodes: { AccessDeniedException: 2 } }),
      action("ec2:TerminateInstances", 1, [], { deniedCount: 1, errorCodes: { "Client.UnauthorizedOperation": 1 } }),
      // Two codes (calls through two paths).
      action("sns:Publish", 3, [], { deniedCount: 3, errorCodes: { AuthorizationError: 2, AccessDenied: 1 } }),
      // One call denied on a table no successful call used; an error that is no denial (throttling) is left out.
      action("dynamodb:GetItem", 4, [T("a"), T("secret")], { deniedCount: 1, errorCodes: { AccessDeniedException: 1, ThrottlingException: 1 }, authorized: { resources: [T("a")], resourcesTruncated: false, resourcePrefix: null } }),
      // A document without the codes.
      action("s3:DeleteBucket", 1, [], { deniedCount: 1 }),
    ]);
    const said = (code: string) => Object.fromEntries(r.warnings.filter((w) => w.code === code).map((w) => [w.action, /denied \(([^)]*)\)/.exec(w.message)?.[1]]));
    expect(said("denied-calls-not-granted")).toEqual({
      "dynamodb:DeleteTable": "AccessDeniedException",
      "ec2:TerminateInstances": "Client.UnauthorizedOperation",
      "sns:Publish": "AccessDenied ×1, AuthorizationError ×2",
      "s3:DeleteBucket": "access denied",
    });
    expect(said("denied-resources-not-granted")).toEqual({ "dynamodb:GetItem": "AccessDeniedException" });
  });

  it("counts only successful calls in provenance", () => {
    const r = grantsOf([action("dynamodb:GetItem", 10, [T("t")], { deniedCount: 3, errorCodes: { AccessDenied: 3 } })]);
    expect(r.grants[0]?.provenance).toEqual([{ kind: "observed", calls: 7, lastSeen: "2026-10-30T00:00:00Z" }]);
    expect(r.successfulCalls).toBe(7);
  });

  it("keeps unknown actions with their observed resources and warns", () => {
    const r = grantsOf([action("madeup:DoThing", 1, ["arn:aws:madeup:us-east-1:123456789012:thing/x"])]);
    expect(r.grants.map((g) => [g.action, g.resource, g.scoping])).toEqual([["madeup:DoThing", "arn:aws:madeup:us-east-1:123456789012:thing/x", "unknown-action"]]);
    expect(r.warnings.map((w) => w.code)).toEqual(["unknown-action"]);
  });
});

describe("observed names with IAM's special characters ($, *, ?) stay literal", () => {
  const grantsOf = (usages: ReturnType<typeof action>[], threshold?: number) => observedGrants(usages, catalog, place, threshold);
  const O = (key: string) => `arn:aws:s3:::acme/${key}`;
  const VAR = "reports/${aws:username}/q1 report.csv";
  const STAR = "t/star*q?";

  it("writes $, * and ? of an exact name as ${$}, ${*}, ${?} (IAM User Guide, policy variables: special characters)", () => {
    const r = grantsOf([action("s3:GetObject", 2, [O(VAR), O(STAR), O("cost$")])]);
    expect(r.grants.map((g) => [g.resource, g.scoping])).toEqual([
      [O("cost${$}"), "exact"],
      [O("reports/${$}{aws:username}/q1 report.csv"), "exact"],
      [O("t/star${*}q${?}"), "exact"],
    ]);
  });

  it("the policy allows the observed call and not another name the raw text would have matched", () => {
    const fn = lambdaFunction("esc-fn", roleArn("esc-role"));
    const doc = document([fn], [role(fn.roleArn, [fn.arn])], [session(fn, [action("s3:GetObject", 2, [O(VAR), O(STAR)])])]);
    const g = generatePolicy(doc, fn.arn, {}, catalog);
    const decide = (key: string) =>
      evaluateRequest({ identityPolicies: [g.policy], request: { action: "s3:GetObject", resource: O(key), principalArn: "arn:aws:sts::123456789012:assumed-role/esc-role/esc-fn", context: {}, contextComplete: true } }).decision;
    expect(decide(VAR)).toBe("allowed");
    expect(decide(STAR)).toBe("allowed");
    expect(decide("t/starXXXqZ")).toBe("implicit-deny");
    expect(decide("t/star*qZ")).toBe("implicit-deny");
    expect(decide("reports/bob/q1 report.csv")).toBe("implicit-deny");
    // Not wildcards, so no "Wildcards, and why" entry for them.
    expect(g.wildcards.map((w) => w.resource)).not.toContain(O("t/star${*}q${?}"));
  });

  it("keeps prefixes and truncated prefixes literal up to their own wildcard", () => {
    const keys = ["x*1/a", "x*1/b", "x*1/c"].map(O);
    expect(grantsOf([action("s3:GetObject", 3, keys)]).grants.map((g) => [g.resource, g.scoping])).toEqual([[O("x${*}1/*"), "prefix"]]);
    // `${` never cut in two: the prefix is taken of the names, then escaped.
    expect(grantsOf([action("s3:GetObject", 3, ["p$a", "p*b", "p?c"].map(O))]).grants.map((g) => g.resource)).toEqual([O("p*")]);
    const truncated = grantsOf([action("s3:GetObject", 9, [O("d$1"), O("d$2")], { resourcesTruncated: true, resourcePrefix: `${O("d$")}*` })]);
    expect(truncated.grants.map((g) => [g.resource, g.scoping])).toEqual([[O("d${$}*"), "truncated-prefix"]]);
  });

  it("keeps the secret-by-name suffix -?????? a wildcard, and escapes unknown actions' resources", () => {
    const S = (n: string) => `arn:aws:secretsmanager:us-east-1:123456789012:secret:${n}`;
    expect(grantsOf([action("secretsmanager:GetSecretValue", 1, [S("db-??????")])]).grants.map((g) => g.resource)).toEqual([S("db-??????")]);
    expect(grantsOf([action("madeup:DoThing", 1, ["arn:aws:madeup:us-east-1:123456789012:thing/a*"])]).grants.map((g) => g.resource)).toEqual(["arn:aws:madeup:us-east-1:123456789012:thing/a${*}"]);
  });

  it("keeps a task definition family's every-revision :* a wildcard, and a * anywhere else in an ECS ARN literal", () => {
    const T = (n: string) => `arn:aws:ecs:us-east-1:123456789012:task-definition/${n}`;
    const grants = grantsOf([action("ecs:RunTask", 2, [T("nightly-export:*"), T("reindex:4")])]).grants;
    expect(grants.map((g) => [g.resource, g.scoping])).toEqual([
      [T("nightly-export:*"), "exact"],
      [T("reindex:4"), "exact"],
    ]);
    expect(grantsOf([action("ecs:RunTask", 1, [T("job*:*")])]).grants.map((g) => g.resource)).toEqual([T("job${*}:${*}")]);
  });

  it("does not fold one literal name into another whose escaped text looks like a wildcard over it", () => {
    // As text, `a${*}` is `a${` + wildcard + `}`, which would cover `a${$}{x}`; as IAM reads it, one object each.
    const fn = lambdaFunction("esc-fn", roleArn("esc-role"));
    const doc = document([fn], [role(fn.roleArn, [fn.arn])], [session(fn, [action("s3:GetObject", 2, [O("a*"), O("a${x}")])])]);
    expect(generatePolicy(doc, fn.arn, {}, catalog).grants.filter((g) => g.action === "s3:GetObject").map((g) => g.resource)).toEqual([O("a${$}{x}"), O("a${*}")]);
  });
});

describe("IAM users, groups and roles: the path is the parent", () => {
  const R = (p: string) => `arn:aws:iam::123456789012:role${p}`;
  it("does not compress three roles of one path to the path's every role", () => {
    // Before: role/service-role/* (the path was part of the one name RoleNameWithPath), which
    // grants every role the Lambda console made.
    const r = observedGrants([action("iam:GetRole", 3, [R("/service-role/etl"), R("/service-role/orders"), R("/service-role/reports")])], catalog, place);
    expect(r.grants.map((g) => [g.resource, g.scoping])).toEqual([
      [R("/service-role/etl"), "exact"],
      [R("/service-role/orders"), "exact"],
      [R("/service-role/reports"), "exact"],
    ]);
    // Names sharing a prefix under one path still compress, to that prefix of their names.
    const s = observedGrants([action("iam:GetRole", 3, [R("/service-role/orders-a"), R("/service-role/orders-b"), R("/service-role/orders-c")])], catalog, place);
    expect(s.grants.map((g) => [g.resource, g.scoping])).toEqual([[R("/service-role/orders-*"), "prefix"]]);
    // The usage stage's any-path patterns of roles called by name are never compressed.
    const t = observedGrants([action("iam:GetRole", 3, ["orders-a", "orders-b", "orders-c"].flatMap((n) => [R(`/${n}`), R(`/*/${n}`)]))], catalog, place);
    expect(t.grants.filter((g) => g.resource.includes("/*/")).map((g) => g.resource)).toEqual(["orders-a", "orders-b", "orders-c"].map((n) => R(`/*/${n}`)));
  });
});

describe("CloudWatch Logs log groups: the ARN with the trailing :* that IAM policies need", () => {
  const G = "arn:aws:logs:us-east-1:123456789012:log-group:/app/orders-audit";
  const allowed = (p: Parameters<typeof evaluateRequest>[0]["identityPolicies"][number], a: string, resource: string): boolean => evaluateRequest({ identityPolicies: [p], request: { action: a, resource } }).decision === "allowed";

  it("grants a log-group action observed on a group on `log-group:<g>` and `log-group:<g>:*`; the tagging actions on `log-group:<g>` only", () => {
    const r = observedGrants([action("logs:FilterLogEvents", 3, [G]), action("logs:PutRetentionPolicy", 1, [G]), action("logs:TagResource", 1, [G])], catalog, place);
    expect(r.grants.map((g) => [g.action, g.resource, g.scoping])).toEqual([
      ["logs:FilterLogEvents", G, "exact"],
      ["logs:FilterLogEvents", `${G}:*`, "exact"],
      ["logs:PutRetentionPolicy", G, "exact"],
      ["logs:PutRetentionPolicy", `${G}:*`, "exact"],
      ["logs:TagResource", G, "exact"],
    ]);
  });

  it("the policy allows the call on the form IAM checks (`…:log-group:<g>:log-stream:`, in its refusals), and on no other group", () => {
    const fn = lambdaFunction("orders", roleArn("orders-role"));
    const doc = document([fn], [role(roleArn("orders-role"), [fn.arn])], [session(fn, [action("logs:FilterLogEvents", 3, [G]), action("logs:DescribeLogStreams", 1, [G])])]);
    const policy = generatePolicy(doc, fn.arn, {}, catalog).policy;
    for (const a of ["logs:FilterLogEvents", "logs:DescribeLogStreams"]) {
      for (const form of [G, `${G}:*`, `${G}:log-stream:`]) expect(allowed(policy, a, form), `${a} ${form}`).toBe(true);
      expect(allowed(policy, a, "arn:aws:logs:us-east-1:123456789012:log-group:/app/orders-audit-2:log-stream:"), a).toBe(false);
    }
  });

  it("adds nothing to a prefix, whose own * covers the :* form, nor to a log stream", () => {
    const groups = ["a", "b", "c"].map((x) => `arn:aws:logs:us-east-1:123456789012:log-group:/app/orders-${x}`);
    expect(observedGrants([action("logs:FilterLogEvents", 3, groups)], catalog, place).grants.map((g) => g.resource)).toEqual(["arn:aws:logs:us-east-1:123456789012:log-group:/app/orders-*"]);
    expect(observedGrants([action("logs:GetLogEvents", 1, [`${G}:log-stream:s1`])], catalog, place).grants.map((g) => g.resource)).toEqual([`${G}:log-stream:s1`]);
  });
});

describe("CloudWatch Logs log streams (the usage names the stream of CreateLogStream, PutLogEvents, GetLogEvents …)", () => {
  const L = "arn:aws:logs:us-east-1:123456789012:log-group:";
  const allowed = (p: Parameters<typeof evaluateRequest>[0]["identityPolicies"][number], a: string, resource: string): boolean => evaluateRequest({ identityPolicies: [p], request: { action: a, resource } }).decision === "allowed";
  // Lambda's own streams: `<date>/[<version>]<instance id>`, one per execution environment.
  const lambdaStreams = (group: string, days: string[]) => days.map((d, i) => `${L}${group}:log-stream:${d}/[$LATEST]${"0123456789abcdef".slice(i)}${"f".repeat(i)}`);

  it("grants one stream on itself, several of one group on their shared prefix, warned when it ends in a date", () => {
    const one = observedGrants([action("logs:GetLogEvents", 1, [`${L}/app/audit:log-stream:s1`])], catalog, place);
    expect(one.grants.map((g) => [g.resource, g.scoping])).toEqual([[`${L}/app/audit:log-stream:s1`, "exact"]]);
    expect(one.warnings).toEqual([]);
    const streams = lambdaStreams("/aws/lambda/other", ["2026/11/02", "2026/11/05", "2026/11/30"]);
    const r = observedGrants([action("logs:PutLogEvents", 30, streams)], catalog, place);
    expect(r.grants.map((g) => [g.resource, g.scoping])).toEqual([[`${L}/aws/lambda/other:log-stream:2026/11/*`, "prefix"]]);
    // The dated prefix is warned (dated-prefixes.ts), naming the part before the date.
    const fn = lambdaFunction("writer", roleArn("writer-role"));
    const out = generatePolicy(document([fn], [role(roleArn("writer-role"), [fn.arn])], [session(fn, [action("logs:PutLogEvents", 30, streams)])]), fn.arn, {}, catalog);
    expect(out.warnings.find((w) => w.code === "prefix-ends-in-a-date")?.message).toContain(`keep the action on the part before the date (${L}/aws/lambda/other:log-stream:*)`);
    for (const s of streams) expect(allowed(out.policy, "logs:PutLogEvents", s), s).toBe(true);
    expect(allowed(out.policy, "logs:PutLogEvents", `${L}/aws/lambda/other2:log-stream:2026/11/02/[$LATEST]x`)).toBe(false);
  });

  it("folds the function's own streams under the group's log-stream:* its logging needs", () => {
    const fn = lambdaFunction("orders", roleArn("orders-role"));
    const own = lambdaStreams("/aws/lambda/orders", ["2026/11/02", "2026/11/05", "2026/11/30", "2026/10/31"]);
    const out = generatePolicy(document([fn], [role(roleArn("orders-role"), [fn.arn])], [session(fn, [action("logs:CreateLogStream", 4, own), action("logs:PutLogEvents", 40, own)])]), fn.arn, {}, catalog);
    const stmts = JSON.stringify(out.policy);
    expect(stmts).not.toContain("log-stream:2026");
    expect(out.warnings.filter((w) => w.code === "prefix-ends-in-a-date")).toEqual([]);
    for (const s of own) for (const a of ["logs:CreateLogStream", "logs:PutLogEvents"]) expect(allowed(out.policy, a, s), `${a} ${s}`).toBe(true);
  });
});

describe("Kinesis consumers named by stream and name (the usage's stream/<s>/consumer/<c>:*)", () => {
  const ST = "arn:aws:kinesis:us-east-1:123456789012:stream/clicks";
  const allowed = (p: Parameters<typeof evaluateRequest>[0]["identityPolicies"][number], a: string, resource: string): boolean => evaluateRequest({ identityPolicies: [p], request: { action: a, resource } }).decision === "allowed";
  it("keeps the creation time a wildcard: the consumer of that name, created at any time, and no other", () => {
    const r = observedGrants([action("kinesis:DescribeStreamConsumer", 2, [`${ST}/consumer/reports:*`])], catalog, place);
    expect(r.grants.map((g) => [g.resource, g.scoping])).toEqual([[`${ST}/consumer/reports:*`, "exact"]]);
    expect(r.warnings).toEqual([]);
    const fn = lambdaFunction("fanout", roleArn("fanout-role"));
    const out = generatePolicy(document([fn], [role(roleArn("fanout-role"), [fn.arn])], [session(fn, [action("kinesis:DescribeStreamConsumer", 2, [`${ST}/consumer/reports:*`])])]), fn.arn, {}, catalog);
    expect(allowed(out.policy, "kinesis:DescribeStreamConsumer", `${ST}/consumer/reports:1700000000`)).toBe(true);
    expect(allowed(out.policy, "kinesis:DescribeStreamConsumer", `${ST}/consumer/reports-2:1700000000`)).toBe(false);
    expect(allowed(out.policy, "kinesis:DescribeStreamConsumer", `${ST}-2/consumer/reports:1700000000`)).toBe(false);
  });
});

describe("SSM documents AWS owns: their ARN has no account", () => {
  it("grants a document call on the AWS-owned document the usage names (arn:aws:ssm:<region>::document/<name>), not the account's documents", () => {
    const doc = "arn:aws:ssm:us-east-1::document/AWS-GatherSoftwareInventory";
    const r = observedGrants([action("ssm:GetDocument", 2, [doc])], catalog, place);
    expect(r.grants.map((g) => [g.resource, g.scoping])).toEqual([[doc, "exact"]]);
    expect(r.warnings).toEqual([]);
  });
});
