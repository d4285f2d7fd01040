import { describe, expect, it } from "vitest";
import {
  diffPolicies,
  findFunction,
  FunctionNotFoundError,
  generateForRole,
  generatePolicy,
  INLINE_ROLE_POLICY_LIMIT,
  MANAGED_POLICY_LIMIT,
  packStatements,
  policySize,
  renderDiffMarkdown,
  runGenerate,
} from "../../src/generate/index.js";
import type { PolicyDocument, PolicyStatement } from "../../src/model/document.js";
import type { FunctionAnalysis } from "../../src/model/analysis.js";
import { evaluateRequest, loadActionCatalogSync } from "../../src/iam/index.js";
import { ACCOUNT, action, document, fnArn, lambdaFunction, ordersScenario, REGION, role, roleArn, session } from "./fixtures.js";

const catalog = loadActionCatalogSync();
const allowed = (p: PolicyDocument, a: string, r: string): boolean => evaluateRequest({ identityPolicies: [p], request: { action: a, resource: r } }).decision === "allowed";

describe("generatePolicy", () => {
  it("combines observed calls, configuration requirements and kept exceptions with provenance", () => {
    const { doc, fn } = ordersScenario();
    const g = generatePolicy(doc, fn.name, { exceptions: [{ function: "orders-*", actions: ["dynamodb:RestoreTableFromBackup"], reason: "disaster recovery DR-7" }] }, catalog);
    const sid = (s: string) => g.statements.find((x) => x.sid === s);
    expect(sid("DynamodbObservedKeptException")).toMatchObject({
      actions: ["dynamodb:GetItem", "dynamodb:RestoreTableFromBackup"],
      resources: [`arn:aws:dynamodb:${REGION}:${ACCOUNT}:table/orders`],
      provenance: ["exception:disaster recovery DR-7", "observed"],
    });
    expect(sid("LogsRequired2")?.resources).toEqual([`arn:aws:logs:${REGION}:${ACCOUNT}:log-group:/aws/lambda/orders-api:log-stream:*`]);
    expect(sid("SqsRequired2")).toMatchObject({ actions: ["sqs:DeleteMessage", "sqs:GetQueueAttributes", "sqs:ReceiveMessage"], provenance: ["required:trigger"] });
    expect(sid("S3Observed")?.resources).toEqual(["arn:aws:s3:::orders-docs/invoices/2026/*"]);
    expect(sid("ElasticfilesystemRequired")?.condition).toEqual({ StringEquals: { "elasticfilesystem:AccessPointArn": [`arn:aws:elasticfilesystem:${REGION}:${ACCOUNT}:access-point/fsap-0123`] } });
    // The side list names the exception, its resources and where they came from.
    expect(g.exceptions).toEqual([
      { function: "orders-*", reason: "disaster recovery DR-7", actions: ["dynamodb:RestoreTableFromBackup"], resources: [`arn:aws:dynamodb:${REGION}:${ACCOUNT}:table/orders`], resourcesFrom: "current-policy" },
    ]);
    // Every `*` is explained, and only actions without resource-level permissions or AWS-documented `*` requirements get it.
    for (const w of g.wildcards.filter((x) => x.resource === "*")) {
      const rlp = catalog.supportsResourceLevelPermissions(w.action);
      if (rlp) expect(w.reason).toMatch(/required by the configuration/);
      else expect(w.reason).toMatch(/no resource-level permissions/);
    }
    expect(g.wildcards.map((w) => w.action)).toContain("sts:GetCallerIdentity");
    expect(g.usage).toEqual({ present: true, windowDays: 30, observedActions: 6, successfulCalls: 1200 + 40 + 300 + 12 + 3 + 5 });
    // invoices/2026/*: next year's invoices/2027/… fall outside it (test/generate/dated-prefixes.test.ts).
    expect(g.warnings.map((w) => w.code)).toEqual(["denied-calls-not-granted", "prefix-ends-in-a-date"]);
    expect(g.policies).toHaveLength(1);
    expect(g.policies[0]).toMatchObject({ kind: "inline", name: "orders-api-least-privilege", limit: INLINE_ROLE_POLICY_LIMIT });
  });

  it("gives configuration-only policies with a clear warning when there is no usage", () => {
    const r = roleArn("bare-role");
    const fn = lambdaFunction("bare", r);
    const g = generatePolicy(document([fn], [role(r, [fn.arn])]), fn.arn, {}, catalog);
    expect(g.policy.Statement.flatMap((s) => s.Action)).toEqual(["logs:CreateLogGroup", "logs:CreateLogStream", "logs:PutLogEvents"]);
    expect(g.warnings.map((w) => w.code)).toEqual(["usage-absent"]);
  });

  it("warns about short windows, missing data events, partial usage and other sessions on the role", () => {
    const r = roleArn("w-role");
    const fn = lambdaFunction("w", r);
    const doc = document([fn], [role(r, [fn.arn])], [session(fn, [action("sqs:SendMessage", 3, [`arn:aws:sqs:${REGION}:${ACCOUNT}:q`])]), { ...session(fn, [action("s3:ListAllMyBuckets", 1)]), sessionKind: "other", functionArn: null, functionName: null }], { windowDays: 7, dataEvents: "absent" });
    doc.usage.coverage.partial = true;
    doc.usage.coverage.partialReasons = ["a.json.gz: truncated gzip"];
    const g = generatePolicy(doc, fn.arn, { windowDays: 30 }, catalog);
    // sqs:SendMessage is a data event: granted on the queue seen only, which the warning says.
    expect(g.warnings.map((w) => w.code)).toEqual(["data-events-absent", "data-events-not-logged", "unattributed-sessions", "usage-partial", "usage-window-short"]);
    expect(g.warnings.find((w) => w.code === "usage-window-short")?.message).toMatch(/7 days, less than the 30-day window: the policy may be missing rare calls/);
    // Another session's calls may have been this function's: granted, said as such.
    expect(g.grants.filter((x) => x.action === "s3:ListAllMyBuckets").map((x) => x.provenance.map((p) => p.kind))).toEqual([["unattributed"]]);
  });

  it("warns when the logs cover only part of the window: the window's length is not the days the logs hold", () => {
    const r = roleArn("w-role");
    const fn = lambdaFunction("w", r);
    const observed = [session(fn, [action("sqs:SendMessage", 3, [`arn:aws:sqs:${REGION}:${ACCOUNT}:q`])])];
    const partial = generatePolicy(document([fn], [role(r, [fn.arn])], observed, { windowDays: 30, coveredDays: 4 }), fn.arn, { windowDays: 30 }, catalog);
    expect(partial.warnings.find((w) => w.code === "usage-window-short")?.message).toBe(
      "Usage covers 4 of the 30 days of the window (26 without records, the first 2026-10-05): the policy may be missing rare calls (month-end jobs, error paths). Keep them with kept exceptions.",
    );
    const full = generatePolicy(document([fn], [role(r, [fn.arn])], observed, { windowDays: 30 }), fn.arn, { windowDays: 30 }, catalog);
    expect(full.warnings.map((w) => w.code)).not.toContain("usage-window-short");
    // Covered as a whole, not where the function is: its account joined the organisation trail late.
    const late = document([fn], [role(r, [fn.arn])], observed, { windowDays: 30 });
    const reason = `usage data for account ${ACCOUNT} misses 18 of 30 days of the window (first missing: 2026-10-02)`;
    late.usage.coverage.partialPlaces = [{ accountId: ACCOUNT, region: null, reason }];
    expect(generatePolicy(late, fn.arn, { windowDays: 30 }, catalog).warnings.find((w) => w.code === "usage-window-short")?.message).toContain(`where the function is (${reason})`);
    late.usage.coverage.partialPlaces = [{ accountId: "999999999999", region: null, reason: "another account's" }];
    expect(generatePolicy(late, fn.arn, { windowDays: 30 }, catalog).warnings.map((w) => w.code)).not.toContain("usage-window-short");
  });

  it("says why usage is partial with the reasons about the data and its own role, not other roles'", () => {
    const r = roleArn("p-role");
    const fn = lambdaFunction("p", r);
    const doc = document([fn], [role(r, [fn.arn])], [session(fn, [action("sqs:SendMessage", 3)])]);
    const other = roleArn("admin-role");
    const partialBy = (reasons: string[]) => {
      doc.usage.coverage.partial = true;
      doc.usage.coverage.partialReasons = reasons;
      return generatePolicy(doc, fn.arn, {}, catalog).warnings.find((w) => w.code === "usage-partial")?.message;
    };
    const mine = `${r}: grants 22091 actions, more than the 2000 labelled one by one; only the 12 actions of the services function p's sessions (${fn.arn}) used are labelled`;
    // The same role's reason about another function sharing it (labels.ts widePartial: one per function).
    const sibling = `${r}: grants 22091 actions, more than the 2000 labelled one by one; only the 7 actions of the services function q's sessions (${fn.arn.replace(/:p$/, ":q")}) used are labelled`;
    const theirs = `${other}: grants 22091 actions, more than the 2000 labelled one by one; only the 40 actions of the services function b's sessions (arn:aws:lambda:us-east-1:111122223333:function:b) used are labelled`;
    const unattributed = `session worker of ${other} matches 2 functions in different regions; not attributed`;
    const message = partialBy(["a.json.gz: truncated gzip", mine, sibling, theirs, unattributed]);
    expect(message).toContain("a.json.gz: truncated gzip");
    expect(message).toContain(mine);
    expect(message).not.toContain("function q's sessions");
    expect(message).not.toContain(other);
    // Only other roles' reasons: nothing about this function's calls is missing.
    expect(partialBy([theirs, unattributed])).toBeUndefined();
    // Partial without a reason given, and many reasons: at most five listed, the rest counted.
    expect(partialBy([])).toMatch(/\(some records skipped\)/);
    expect(partialBy(Array.from({ length: 8 }, (_, i) => `f${i}.json.gz: truncated gzip`))).toMatch(/f4\.json\.gz: truncated gzip; and 3 more \(usage\.coverage\.partialReasons\)\)/);
  });

  it("applies exceptions by name or ARN glob, with configured resources, and skips what today's policy does not grant", () => {
    const { doc, fn } = ordersScenario();
    const g = generatePolicy(
      doc,
      fn.arn,
      {
        exceptions: [
          { function: fn.arn, actions: ["sqs:PurgeQueue"], resources: [`arn:aws:sqs:${REGION}:${ACCOUNT}:orders-in`], reason: "poison queue runbook" },
          { function: "orders-?pi", actions: ["kinesis:PutRecord"], reason: "replay path" },
          { function: "billing-*", actions: ["iam:CreateUser"], resources: ["*"], reason: "other function" },
          { function: "orders-*", actions: ["dynamodb:Restore*"], reason: "DR" },
          // Actions that only take `*`: kept when today's policy grants them (dynamodb:* does), never added.
          { function: "orders-*", actions: ["dynamodb:ListTables", "iam:ListRoles", "ecs:PutAccountSettingDefault"], reason: "inventory" },
        ],
      },
      catalog,
    );
    expect(allowed(g.policy, "dynamodb:ListTables", "*")).toBe(true);
    for (const a of ["iam:ListRoles", "ecs:PutAccountSettingDefault"]) {
      expect(allowed(g.policy, a, "*")).toBe(false);
      expect(g.warnings.some((w) => w.code === "exception-not-granted-today" && w.action === a)).toBe(true);
    }
    expect(g.exceptions.find((e) => e.reason === "inventory")?.actions).toEqual(["dynamodb:ListTables"]);
    expect(allowed(g.policy, "sqs:PurgeQueue", `arn:aws:sqs:${REGION}:${ACCOUNT}:orders-in`)).toBe(true);
    expect(allowed(g.policy, "sqs:PurgeQueue", `arn:aws:sqs:${REGION}:${ACCOUNT}:other`)).toBe(false);
    expect(g.grants.some((x) => x.action === "iam:CreateUser")).toBe(false);
    expect(g.grants.some((x) => x.action === "kinesis:PutRecord")).toBe(false);
    expect(g.warnings.some((w) => w.code === "exception-not-granted-today" && w.action === "kinesis:PutRecord")).toBe(true);
    // dynamodb:Restore* expands to concrete actions; only the explicitly granted one keeps its table,
    // the others come from `dynamodb:*` on `*` today and are flagged.
    const restore = g.exceptions.find((e) => e.reason === "DR");
    expect(restore?.actions).toEqual(catalog.expand("dynamodb:Restore*"));
    expect(g.warnings.filter((w) => w.code === "exception-on-star").map((w) => w.action)).toEqual(catalog.expand("dynamodb:Restore*").filter((a) => a !== "dynamodb:RestoreTableFromBackup"));
  });

  it("leaves out an exception's resource that is no ARN, which IAM refuses in a policy, and says so", () => {
    const { doc, fn } = ordersScenario();
    const T = `arn:aws:dynamodb:${REGION}:${ACCOUNT}:table/orders`;
    const g = generatePolicy(
      doc,
      fn.arn,
      {
        exceptions: [
          { function: fn.name, actions: ["dynamodb:Scan"], resources: ["table/orders", T], reason: "monthly backfill" },
          { function: fn.name, actions: ["sqs:PurgeQueue"], resources: ["orders-in"], reason: "poison queue runbook" },
        ],
      },
      catalog,
    );
    // Before: Resource ["table/orders", …] and ["orders-in"] in the policy: MalformedPolicyDocument, no role at all.
    for (const st of g.policy.Statement) for (const r of st.Resource ?? []) expect(r === "*" || r.startsWith("arn:"), r).toBe(true);
    expect(allowed(g.policy, "dynamodb:Scan", T)).toBe(true);
    expect(g.grants.some((x) => x.action === "sqs:PurgeQueue")).toBe(false);
    expect(g.exceptions.find((e) => e.reason === "poison queue runbook")).toMatchObject({ actions: [], resources: [] });
    expect(g.warnings.filter((w) => w.code === "exception-resource-not-an-arn").map((w) => w.message)).toEqual([
      'kept exception "monthly backfill": "table/orders" is not an ARN (arn:partition:service:region:account-id:resource) or "*", which IAM refuses in a policy (MalformedPolicyDocument); left out. Write the full ARN in the exception\'s `resources`.',
      'kept exception "poison queue runbook": "orders-in" is not an ARN (arn:partition:service:region:account-id:resource) or "*", which IAM refuses in a policy (MalformedPolicyDocument); left out, so the exception keeps nothing. Write the full ARN in the exception\'s `resources`.',
    ]);
  });

  it("finds functions by qualified ARN and rejects unknown or ambiguous names", () => {
    const { doc, fn } = ordersScenario();
    expect(findFunction(doc, `${fn.arn}:prod`).arn).toBe(fn.arn);
    expect(() => findFunction(doc, "nope")).toThrow(FunctionNotFoundError);
    // A typo names the function meant (docs/generate.md: "naming the candidates"); before, only "(N functions)".
    expect(() => findFunction(doc, fn.name.slice(0, -1))).toThrow(`function ${fn.name.slice(0, -1)} is not in the document (${doc.functions.length === 1 ? "1 function" : `${doc.functions.length} functions`}): did you mean "${fn.name}"?`);
    // Nothing near "nope": the functions there are, sorted; before, only "(N functions)".
    const names = [...new Set(doc.functions.map((f) => f.name))].sort();
    expect(() => findFunction(doc, "nope")).toThrow(`is not in the document (${doc.functions.length === 1 ? "1 function" : `${doc.functions.length} functions`}): they are ${names.join(", ")}`);
    const twin = { ...fn, arn: fnArn(fn.name, "eu-west-1"), region: "eu-west-1" };
    const doc2 = { ...doc, functions: [...doc.functions, twin] };
    expect(() => findFunction(doc2, fn.name)).toThrow(/ambiguous.*pass the ARN/);
  });
});

describe("actions last called before the usage window", () => {
  // The window is 2026-10-01 – 2026-10-31 (fixtures.document). Before, generate granted every
  // action the function ever called, while the audit labelled one last called before the window
  // unused (LR008 "last seen …, before the window"): the two disagreed on the same document.
  const param = (n: string) => `arn:aws:ssm:${REGION}:${ACCOUNT}:parameter/app/${n}`;
  const before = { firstSeen: "2026-09-02T00:00:00Z", lastSeen: "2026-09-08T10:00:00Z" };
  function scenario() {
    const r = roleArn("app-role");
    const fn = lambdaFunction("app", r);
    const today = { name: "p", document: { Version: "2012-10-17", Statement: [{ Effect: "Allow" as const, Action: ["ssm:*", "kms:Decrypt"], Resource: ["*"] }] } };
    const own = session(fn, [
      action("ssm:GetParameter", 40, [param("a")]),
      action("ssm:PutParameter", 2, [param("a")], before),
      // First call before the window, last inside it: used, and granted.
      action("ssm:DeleteParameter", 3, [param("a")], { firstSeen: "2026-09-20T00:00:00Z", lastSeen: "2026-10-03T00:00:00Z" }),
      action("kms:Decrypt", 1, [`arn:aws:kms:${REGION}:${ACCOUNT}:key/k`], before),
    ]);
    const other = { ...session(fn, [action("ssm:LabelParameterVersion", 1, [param("a")], before), action("ssm:GetParameters", 1, [param("b")])]), sessionKind: "other" as const, sessionName: "ops-person", functionArn: null, functionName: null };
    return { fn, doc: document([fn], [role(r, [fn.arn], [today])], [own, other]) };
  }

  it("are not granted, each named in a warning, unless a kept exception keeps them; calls inside the window and after it are", () => {
    const { fn, doc } = scenario();
    const g = generatePolicy(doc, fn.arn, { exceptions: [{ function: "app", actions: ["kms:Decrypt"], reason: "yearly key rotation check" }] }, catalog);
    expect(allowed(g.policy, "ssm:GetParameter", param("a"))).toBe(true);
    expect(allowed(g.policy, "ssm:DeleteParameter", param("a"))).toBe(true);
    expect(allowed(g.policy, "ssm:PutParameter", param("a"))).toBe(false);
    expect(g.warnings.filter((w) => w.code === "used-before-window-not-granted")).toEqual([
      {
        code: "used-before-window-not-granted",
        action: "ssm:PutParameter",
        message:
          "ssm:PutParameter was last called 2026-09-08, before the 30-day usage window (from 2026-10-01): not granted, as the audit labels it unused (LR008). If the function still needs it (a quarterly job, an error path), keep it with a kept exception, or generate with a longer --window-days.",
      },
    ]);
    // Kept by the exception, as today's policy grants it: no warning about it.
    expect(g.grants.filter((x) => x.action === "kms:Decrypt").map((x) => x.provenance.map((p) => p.kind))).toEqual([["exception"]]);
    // An unattributed session's calls count as the labels count them: only inside the window.
    expect(allowed(g.policy, "ssm:GetParameters", param("b"))).toBe(true);
    expect(allowed(g.policy, "ssm:LabelParameterVersion", param("a"))).toBe(false);
  });

  it("without the exception, the before-window action is warned and left out too", () => {
    const { fn, doc } = scenario();
    const g = generatePolicy(doc, fn.arn, {}, catalog);
    expect(g.warnings.filter((w) => w.code === "used-before-window-not-granted").map((w) => w.action)).toEqual(["kms:Decrypt", "ssm:PutParameter"]);
    expect(g.grants.some((x) => x.action === "kms:Decrypt")).toBe(false);
  });
});

describe("permissions Access Advisor saw used that no CloudTrail record shows", () => {
  it("are said, by name, not silently left out", () => {
    const r = roleArn("w-role");
    const fn = lambdaFunction("w", r);
    const doc = document([fn], [role(r, [fn.arn])], [session(fn, [action("sqs:SendMessage", 3, [`arn:aws:sqs:${REGION}:${ACCOUNT}:q`])])], { windowDays: 30 });
    const label = (a: string, sources: string[]) => ({ action: a, label: "used" as const, reason: null, lastUsed: "2026-10-20T00:00:00Z", daysSinceLastUsed: 11, sources, exception: null });
    doc.usage.labels = [{ roleArn: r, functionArn: fn.arn, fullWindow: true, permissions: [label("s3:GetBucketLocation", ["access-advisor"]), label("sqs:SendMessage", ["access-advisor", "cloudtrail"])] }];
    const g = generatePolicy(doc, fn.arn, { windowDays: 30 }, catalog);
    expect(g.warnings.filter((w) => w.code === "used-outside-trail").map((w) => w.message)).toEqual([
      "Access Advisor saw s3:GetBucketLocation used inside the window, but no CloudTrail record of the function shows the call: not in the policy (no resources known). Keep what the function needs as kept exceptions, or give the logs that hold the calls.",
    ]);
  });

  it("so are those an Access Analyzer finding's lastAccessed shows used (labels.ts, mergeAccessAnalyzer)", () => {
    const r = roleArn("w-role");
    const fn = lambdaFunction("w", r);
    const doc = document([fn], [role(r, [fn.arn])], [session(fn, [action("sqs:SendMessage", 3, [`arn:aws:sqs:${REGION}:${ACCOUNT}:q`])])], { windowDays: 30 });
    const label = (a: string, sources: string[]) => ({ action: a, label: "used" as const, reason: null, lastUsed: "2026-10-20T00:00:00Z", daysSinceLastUsed: 11, sources, exception: null });
    doc.usage.labels = [{ roleArn: r, functionArn: fn.arn, fullWindow: true, permissions: [label("s3:CreateBucket", ["access-analyzer"]), label("sqs:SendMessage", ["cloudtrail"])] }];
    const g = generatePolicy(doc, fn.arn, { windowDays: 30 }, catalog);
    expect(g.warnings.filter((w) => w.code === "used-outside-trail").map((w) => w.message)).toEqual([
      "An Access Analyzer finding saw s3:CreateBucket used inside the window, but no CloudTrail record of the function shows the call: not in the policy (no resources known). Keep what the function needs as kept exceptions, or give the logs that hold the calls.",
    ]);
  });
});

describe("targets whose service cannot be told", () => {
  it("are said, not silently left out of the policy", () => {
    const fn = lambdaFunction("orders-api", roleArn("orders-role"), { deadLetterTargetArn: "my-sqs-arn", destinations: { onSuccess: `arn:aws:sqs:${REGION}:${ACCOUNT}:done`, onFailure: null } });
    const g = generatePolicy(document([fn], []), fn.arn, {}, catalog);
    expect(g.warnings.filter((w) => w.code === "target-not-understood").map((w) => w.message)).toEqual([
      "The dead-letter target my-sqs-arn is not an SQS, SNS, Lambda, EventBridge or S3 ARN: the permission Lambda needs to send to it is not in the policy. Give the real ARN (--parameter for a template's parameter).",
    ]);
    expect(allowed(g.policy, "sqs:SendMessage", `arn:aws:sqs:${REGION}:${ACCOUNT}:done`)).toBe(true);
  });
});

describe("required resources that are no ARN", () => {
  it("a template's placeholder is left out and said, a reference CloudFormation resolves stays", () => {
    const trigger = (kind: "kafka" | "mq", eventSourceArn: string, secretArns: string[] = []) => ({ uuid: null, kind, eventSourceArn, state: null, onFailureDestination: null, secretArns, kmsKeyArn: null });
    // The corpus's shapes: MSK's parameter default "StreamARNNotPassed", a broker secret written "<your_secret_arn>".
    const fn = lambdaFunction("consumer", roleArn("consumer-role"), { triggers: [trigger("kafka", "StreamARNNotPassed"), trigger("mq", `arn:aws:mq:${REGION}:${ACCOUNT}:broker:b:b-1`, ["<your_secret_arn>", "${BrokerSecret}"])] });
    const g = generatePolicy(document([fn], []), fn.arn, {}, catalog);
    const resources = g.policy.Statement.flatMap((st) => st.Resource ?? []);
    expect(resources).not.toContain("StreamARNNotPassed");
    expect(resources).not.toContain("<your_secret_arn>");
    expect(resources).toContain("${BrokerSecret}");
    const said = g.warnings.filter((w) => w.code === "requirement-resource-not-an-arn");
    expect(said.some((w) => w.action === "kafka:DescribeClusterV2" && w.message.includes('"StreamARNNotPassed"'))).toBe(true);
    expect(said.some((w) => w.action === "secretsmanager:GetSecretValue" && w.message.includes('"<your_secret_arn>"'))).toBe(true);
    // The broker's own permissions are untouched.
    expect(allowed(g.policy, "mq:DescribeBroker", `arn:aws:mq:${REGION}:${ACCOUNT}:broker:b:b-1`)).toBe(true);
  });
});

describe("logging the role turns off on purpose", () => {
  it("is not turned back on: an explicit Deny of the function's log writes leaves the logs ungranted, with a warning", () => {
    const logs = (r: string, decision: "allowed" | "explicit-deny" | "implicit-deny") => ({ purpose: "logs" as const, subject: "/aws/lambda/quiet", action: r, resource: "x", essential: r !== "logs:CreateLogGroup", decision, explanation: "", statements: [] });
    const analysis = (put: "explicit-deny" | "implicit-deny"): FunctionAnalysis => ({
      roleFound: true,
      roleIncomplete: false,
      requirements: [logs("logs:CreateLogGroup", "allowed"), logs("logs:CreateLogStream", "allowed"), logs("logs:PutLogEvents", put)],
      unneededCapabilities: [],
      configurationReaders: [],
      readersTruncated: false,
      readerCount: 0,
      closedPolicyStatements: [],
    });
    const quiet = lambdaFunction("quiet", roleArn("r"), { analysis: analysis("explicit-deny") });
    const g = generatePolicy(document([quiet], []), quiet.arn, {}, catalog);
    expect(g.warnings.filter((w) => w.code === "logging-denied-on-purpose").map((w) => w.message)).toEqual([
      "The execution role denies logs:PutLogEvents on /aws/lambda/quiet with an explicit Deny: logging turned off on purpose (the Serverless Framework's disableLogs writes such a Deny), so the logs permissions are not granted. To keep the function's output, remove the Deny and generate again.",
    ]);
    expect(allowed(g.policy, "logs:PutLogEvents", `arn:aws:logs:${REGION}:${ACCOUNT}:log-group:/aws/lambda/quiet:log-stream:x`)).toBe(false);
    // Not granted because it is simply missing: a broken role, which generate mends.
    const broken = lambdaFunction("quiet", roleArn("r"), { analysis: analysis("implicit-deny") });
    const h = generatePolicy(document([broken], []), broken.arn, {}, catalog);
    expect(h.warnings.filter((w) => w.code === "logging-denied-on-purpose")).toEqual([]);
    expect(allowed(h.policy, "logs:PutLogEvents", `arn:aws:logs:${REGION}:${ACCOUNT}:log-group:/aws/lambda/quiet:log-stream:x`)).toBe(true);
  });
});

describe("the warning that ARNs are infrastructure-as-code references", () => {
  const ref = "arn:aws:s3:::${Bucket}/in/*";
  function docWith(kind: "cloudformation" | "lambda-functions") {
    const fn = lambdaFunction("refs", roleArn("refs-role"));
    const today: PolicyDocument = { Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: ["s3:GetObject"], Resource: [ref] }] };
    // An observed DynamoDB table whose name holds `${x}`: a name, not a reference, whatever the input.
    const doc = document([fn], [role(fn.roleArn, [fn.arn], [{ name: "today", document: today }])], [session(fn, [action("dynamodb:GetItem", 3, [`arn:aws:dynamodb:${REGION}:${ACCOUNT}:table/t\${x}`])])]);
    doc.meta.sources = [{ path: "in", kind, sha256: "0", records: 1 }];
    return { doc, fn };
  }
  const warningsOf = (kind: "cloudformation" | "lambda-functions", exceptions = true, format?: "cloudformation" | "sam" | "terraform" | "json") => {
    const { doc, fn } = docWith(kind);
    return generatePolicy(doc, fn.arn, { ...(exceptions ? { exceptions: [{ function: "refs", actions: ["s3:GetObject"], reason: "kept" }] } : {}), ...(format ? { format } : {}) }, catalog).warnings;
  };
  const codes = (kind: "cloudformation" | "lambda-functions", exceptions = true) => warningsOf(kind, exceptions).map((w) => w.code);

  it("is not given where the output writes the reference in its own language (a template's as Fn::Sub), and names it where it cannot", () => {
    for (const format of ["cloudformation", "sam"] as const) expect(warningsOf("cloudformation", true, format).map((w) => w.code), format).not.toContain("unresolved-references");
    expect(warningsOf("cloudformation", true, "json").map((w) => w.code)).toContain("unresolved-references");
    // A template's reference in Terraform is text: named, with what to do.
    const tf = warningsOf("cloudformation", true, "terraform").find((w) => w.code === "unresolved-references");
    expect(tf?.message).toContain("${Bucket}");
    expect(tf?.message).toContain("Terraform cannot resolve");
  });

  it("is given for a template's reference kept from today's policy, even with the account and region known", () => {
    expect(codes("cloudformation")).toContain("unresolved-references");
  });

  it("is not given for observed names, nor for an account export's ${…} (IAM's own text)", () => {
    expect(codes("cloudformation", false)).not.toContain("unresolved-references");
    expect(codes("lambda-functions")).not.toContain("unresolved-references");
  });
});

describe("the new role's name", () => {
  it("is the current role's name, path left out; a function whose role is not a role ARN gets <function>-role", () => {
    const withRole = (arn: string) => {
      const fn = lambdaFunction("orders-api", arn);
      return generatePolicy(document([fn], []), fn.arn, {}, catalog).roleName;
    };
    expect(withRole(`arn:aws:iam::${ACCOUNT}:role/service-role/orders-role`)).toBe("orders-role");
    // What a template left as a placeholder, or another resource's ARN: not a name IAM accepts.
    expect(withRole("arn:aws:lambda:us-east-1:account-id:resource-id")).toBe("orders-api-role");
    expect(withRole("${aws_iam_role.orders.arn}")).toBe("orders-api-role");
  });
});

describe("size limits", () => {
  it("measures compact JSON and packs statements within the managed limit, splitting oversized statements", () => {
    const st = (i: number, n: number): PolicyStatement => ({
      Sid: `S${i}`,
      Effect: "Allow",
      Action: ["s3:GetObject"],
      Resource: Array.from({ length: n }, (_v, k) => `arn:aws:s3:::bucket-${i}/path/to/some/object-${String(k).padStart(5, "0")}.json`),
    });
    const statements = [st(1, 20), st(2, 200), st(3, 5)];
    const docs = packStatements(statements, MANAGED_POLICY_LIMIT);
    expect(docs.length).toBeGreaterThan(2);
    for (const d of docs) expect(policySize(d)).toBeLessThanOrEqual(MANAGED_POLICY_LIMIT);
    // Nothing lost, order kept.
    expect(docs.flatMap((d) => d.Statement.flatMap((s) => s.Resource ?? []))).toEqual(statements.flatMap((s) => s.Resource ?? []));
    expect(packStatements(statements, MANAGED_POLICY_LIMIT)).toEqual(docs);
  });

  it("counts a region and account a template left unknown at the longest they deploy as, so what is packed as fitting fits in ap-southeast-2", () => {
    const arnsIn = (region: string, account: string) => Array.from({ length: 120 }, (_v, i) => `arn:aws:logs:${region}:${account}:log-group:/aws/lambda/orders-${String(i).padStart(3, "0")}:*`);
    const docOf = (resources: string[]): PolicyDocument => ({ Version: "2012-10-17", Statement: [{ Sid: "Logs", Effect: "Allow", Action: ["logs:PutLogEvents"], Resource: resources }] });
    const template = docOf(arnsIn("unknown", "unknown"));
    const deployed = docOf(arnsIn("ap-southeast-2", "123456789012"));
    // The stack's own region and account are written in (Fn::Sub of the pseudo parameters): at most this long.
    expect(policySize(template)).toBe(JSON.stringify(deployed).length);
    expect(policySize(deployed)).toBe(JSON.stringify(deployed).length);
    // A file's synthetic account (unknown-<hash>) is longer than any account ID: counted as it is.
    const synthetic = docOf(arnsIn("eu-west-1", "unknown-0a1b2c3d"));
    expect(policySize(synthetic)).toBe(JSON.stringify(synthetic).length);
    // Packed on that size, every piece fits once deployed.
    for (const d of packStatements(template.Statement, MANAGED_POLICY_LIMIT)) {
      const asDeployed = JSON.stringify(d).replaceAll("unknown:unknown", "ap-southeast-2:123456789012");
      expect(asDeployed.length).toBeLessThanOrEqual(MANAGED_POLICY_LIMIT);
    }
  });

  it("moves a policy over the role's inline budget into several managed policies, every call still allowed", () => {
    const r = roleArn("big-role");
    const fn = lambdaFunction("big", r);
    const tables = Array.from({ length: 400 }, (_v, i) => `arn:aws:dynamodb:${REGION}:${ACCOUNT}:table/${i}-orders`);
    const objects = Array.from({ length: 150 }, (_v, i) => `arn:aws:s3:::bucket-${i}/k`);
    const doc = document([fn], [role(r, [fn.arn])], [session(fn, [action("dynamodb:GetItem", 500, tables), action("s3:GetObject", 150, objects)])]);
    const g = generatePolicy(doc, fn.arn, {}, catalog);
    expect(policySize(g.policy)).toBeGreaterThan(INLINE_ROLE_POLICY_LIMIT);
    expect(g.policies.length).toBeGreaterThan(1);
    for (const p of g.policies) {
      expect(p.kind).toBe("managed");
      expect(p.size).toBeLessThanOrEqual(MANAGED_POLICY_LIMIT);
    }
    expect(g.warnings.find((w) => w.code === "split-into-several-policies")?.message).toMatch(/^The policy exceeds the role's 10,240-character inline budget; split into \d+ managed policies/);
    const managed = generatePolicy(doc, fn.arn, { target: "managed" }, catalog);
    expect(managed.policies.map((p) => p.document)).toEqual(g.policies.map((p) => p.document));
    expect(managed.warnings.find((w) => w.code === "split-into-several-policies")?.message).toMatch(/^The policy exceeds one managed policy's 6,144 characters/);
    const merged: PolicyDocument = { Version: "2012-10-17", Statement: g.policies.flatMap((p) => p.document.Statement) };
    for (const t of tables) expect(allowed(merged, "dynamodb:GetItem", t)).toBe(true);
    for (const o of objects) expect(allowed(merged, "s3:GetObject", o)).toBe(true);
    expect(new Set(g.policies.flatMap((p) => p.document.Statement.map((s) => s.Sid))).size).toBe(g.policies.flatMap((p) => p.document.Statement).length);
  });
});

describe("shared roles: role-per-function split and the interim union", () => {
  const r = roleArn("shared-role");
  const a = lambdaFunction("orders-reader", r);
  const b = lambdaFunction("orders-writer", r);
  const T = `arn:aws:dynamodb:${REGION}:${ACCOUNT}:table/orders`;
  const doc = document(
    [a, b],
    [role(r, [a.arn, b.arn], [{ name: "shared", document: { Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: ["dynamodb:*"], Resource: ["*"] }] } }])],
    [session(a, [action("dynamodb:GetItem", 10, [T])]), session(b, [action("dynamodb:PutItem", 10, [T])])],
  );

  it("the union names each function's own warnings, and says a warning about the whole input once", () => {
    // Partial input (a warning about it all), and no calls by the writer (a warning about it alone).
    const partialDoc = { ...doc, meta: { ...doc.meta, partial: true }, usage: { ...doc.usage, principals: doc.usage.principals.filter((p) => p.functionArn === a.arn) } };
    const g = generateForRole(partialDoc, r, {}, catalog);
    expect(g.functions.every((f) => f.warnings.some((w) => w.code === "document-partial"))).toBe(true);
    const docWide = g.union.warnings.filter((w) => w.code === "document-partial");
    expect(docWide.map((w) => w.message)).toEqual([g.functions[0]!.warnings.find((w) => w.code === "document-partial")!.message]);
    // Function-specific warnings keep the function's name in front.
    const own = g.union.warnings.filter((w) => w.code !== "document-partial" && w.code !== "usage-window-short" && w.code !== "data-events-absent" && w.code !== "data-events-unknown" && w.code !== "usage-absent");
    expect(own.map((w) => w.code)).toContain("no-usage-for-function");
    expect(own.every((w) => /^orders-(reader|writer): /.test(w.message))).toBe(true);
  });

  it("gives each function only its own calls, on a new dedicated role, and the union for the shared role", () => {
    const g = generateForRole(doc, r, {}, catalog);
    expect(g.functions.map((f) => [f.functionName, f.roleName])).toEqual([
      ["orders-reader", "orders-reader-role"],
      ["orders-writer", "orders-writer-role"],
    ]);
    const [reader, writer] = g.functions;
    expect(allowed(reader!.policy, "dynamodb:GetItem", T)).toBe(true);
    expect(allowed(reader!.policy, "dynamodb:PutItem", T)).toBe(false);
    expect(allowed(writer!.policy, "dynamodb:PutItem", T)).toBe(true);
    expect(allowed(writer!.policy, "dynamodb:GetItem", T)).toBe(false);
    expect(g.union.roleName).toBe("shared-role");
    expect(allowed(g.union.policy, "dynamodb:GetItem", T)).toBe(true);
    expect(allowed(g.union.policy, "dynamodb:PutItem", T)).toBe(true);
    expect(allowed(g.union.policy, "logs:PutLogEvents", `arn:aws:logs:${REGION}:${ACCOUNT}:log-group:/aws/lambda/orders-writer:log-stream:x`)).toBe(true);
    expect(allowed(g.union.policy, "dynamodb:DeleteTable", T)).toBe(false);
  });

  it("runGenerate: --split gives one role per function, without it the union; --diff renders Markdown", () => {
    const split = runGenerate(doc, { split: true, format: "terraform" }, catalog);
    expect(split.targets.map((t) => t.subject)).toEqual([a.arn, b.arn]);
    expect(split.output).toMatch(/resource "aws_iam_role" "orders-reader-role"/);
    expect(split.output).toMatch(/resource "aws_iam_role" "orders-writer-role"/);
    const union = runGenerate(doc, { format: "cloudformation" }, catalog);
    expect(union.targets.map((t) => t.subject)).toEqual([r]);
    expect(union.output).toContain("RoleName: shared-role");
    const diff = runGenerate(doc, { diff: true }, catalog);
    expect(diff.output).toMatch(/^### Right-sizing `arn:aws:iam::123456789012:role\/service-role\/shared-role`/);
    expect(runGenerate(doc, { diff: true }, catalog).output).toBe(diff.output);
    const one = runGenerate(doc, { function: "orders-reader", format: "json" }, catalog);
    const parsed = JSON.parse(one.output) as { subject: string; policy: PolicyDocument }[];
    expect(parsed[0]?.subject).toBe(a.arn);
  });

  it("--split --diff says each policy is for a new role, and that the shared role's removals are not the shared role's to lose", () => {
    // Before: "Right-sizing shared-role for orders-reader … removed dynamodb:PutItem", read as an
    // edit of the shared role, which would refuse orders-writer's PutItem.
    const note = (fn: string) =>
      `> The generated policy is for a new role, \`${fn}-role\`, not for \`shared-role\`: the removals below are what this function does not need, not what \`shared-role\` can lose while other functions run with it. Create the new role and point the function at it; right-size \`shared-role\` from the union of its functions' policies (\`leastrole generate\` without \`--split\` or \`--function\`).`;
    const split = runGenerate(doc, { split: true, diff: true }, catalog).output;
    expect(split).toContain(note("orders-reader"));
    expect(split).toContain(note("orders-writer"));
    expect(runGenerate(doc, { function: "orders-reader", diff: true }, catalog).output).toContain(note("orders-reader"));
    // The union is for the shared role itself: no such note.
    expect(runGenerate(doc, { diff: true }, catalog).output).not.toContain("The generated policy is for a new role");
  });
});

describe("right-sizing diff", () => {
  it("counts removed, narrowed, kept and added actions statement by statement", () => {
    const { doc, fn } = ordersScenario();
    const g = generatePolicy(doc, fn.arn, {}, catalog);
    const d = diffPolicies(doc, fn.roleArn, g, fn.arn, catalog);
    const dynamoAndS3 = catalog.expand("dynamodb:*").length + catalog.expand("s3:*").length;
    const everything = d.current[0]!;
    expect(everything.actionCount).toBe(dynamoAndS3);
    expect(everything.narrowed.map((n) => n.action)).toEqual(["dynamodb:GetItem", "dynamodb:Query", "s3:GetObject", "s3:ListBucket", "s3:PutObject"]);
    expect(everything.removed.count).toBe(dynamoAndS3 - 5);
    expect(everything.removed.byService.dynamodb).toBe(catalog.expand("dynamodb:*").length - 2);
    expect(everything.narrowed.find((n) => n.action === "dynamodb:GetItem")).toEqual({ action: "dynamodb:GetItem", from: ["*"], to: [`arn:aws:dynamodb:${REGION}:${ACCOUNT}:table/orders`] });
    // Without the exception, the explicit RestoreTableFromBackup grant goes away.
    expect(d.current[2]?.removed.actions).toEqual(["dynamodb:RestoreTableFromBackup"]);
    expect(d.current[1]?.narrowed.map((n) => n.action)).toEqual(["logs:CreateLogGroup", "logs:CreateLogStream", "logs:PutLogEvents"]);
    // Requirements the role lacks today are "added".
    const added = d.generated.flatMap((s) => s.added);
    expect(added).toEqual(expect.arrayContaining(["sqs:ReceiveMessage", "sns:Publish", "kms:Decrypt", "xray:PutTraceSegments", "ssm:GetParameter"]));
    expect(d.summary).toMatchObject({ currentPolicies: 1, currentStatements: 3, removedActions: dynamoAndS3 - 5 + 0, narrowedActions: 8, keptActions: 0 });
    const md = renderDiffMarkdown(d, g);
    expect(md).toContain(`**${(dynamoAndS3 - 5).toLocaleString("en-US")}** actions removed`);
    expect(md).toContain("- `dynamodb:GetItem`: `*` → `arn:aws:dynamodb:us-east-1:123456789012:table/orders`");
    expect(md).toContain("#### Added or widened");
  });

  it("flags widened grants: an action granted today but not on the generated resource", () => {
    const r = roleArn("narrow-role");
    const fn = lambdaFunction("narrow", r);
    const today: PolicyDocument = { Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: ["logs:*"], Resource: [`arn:aws:logs:${REGION}:${ACCOUNT}:log-group:/other:*`] }] };
    const doc = document([fn], [role(r, [fn.arn], [{ name: "p", document: today }])]);
    const g = generatePolicy(doc, fn.arn, {}, catalog);
    const d = diffPolicies(doc, r, g, fn.arn, catalog);
    expect(d.generated.flatMap((s) => s.widened.map((w) => w.action))).toEqual(["logs:CreateLogGroup", "logs:CreateLogStream", "logs:PutLogEvents"]);
    expect(d.summary.widenedActions).toBe(3);
  });

  it("reports attached managed policies it cannot see", () => {
    const r = roleArn("m-role");
    const fn = lambdaFunction("m", r);
    const doc = document([fn], [role(r, [fn.arn], [], ["arn:aws:iam::123456789012:policy/unknown"])]);
    const g = generatePolicy(doc, fn.arn, {}, catalog);
    expect(diffPolicies(doc, r, g, fn.arn, catalog).unresolvedPolicies).toEqual(["arn:aws:iam::123456789012:policy/unknown"]);
  });
});
