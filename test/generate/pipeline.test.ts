/**
 * The contract between the usage stage and generation: CloudTrail records in the shape AWS writes
 * them (management and data events, `resources[]` with bucket and object, requestParameters) go
 * through the real readUsage → labelUsage, and the generated policy grants each call on the
 * resource type its action is authorised against. The corpus has no Lambda function sessions, so
 * the records are written here, following the CloudTrail record reference.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { generatePolicy } from "../../src/generate/index.js";
import { evaluateRequest, loadActionCatalogSync } from "../../src/iam/index.js";
import type { PolicyDocument } from "../../src/model/document.js";
import { labelUsage, readUsage } from "../../src/usage/index.js";
import { ACCOUNT, document, lambdaFunction, REGION, role, roleArn } from "./fixtures.js";

const catalog = loadActionCatalogSync();
const ROLE = roleArn("orders-role");
const fn = lambdaFunction("orders-api", ROLE);

function record(i: number, eventSource: string, eventName: string, extra: Record<string, unknown>): Record<string, unknown> {
  return {
    eventVersion: "1.09",
    userIdentity: {
      type: "AssumedRole",
      principalId: "AROAEXAMPLEEXAMPLE01:orders-api",
      arn: `arn:aws:sts::${ACCOUNT}:assumed-role/orders-role/orders-api`,
      accountId: ACCOUNT,
      sessionContext: { sessionIssuer: { type: "Role", principalId: "AROAEXAMPLEEXAMPLE01", arn: ROLE, accountId: ACCOUNT, userName: "orders-role" } },
    },
    eventTime: `2026-10-${String(1 + (i % 28)).padStart(2, "0")}T10:00:00Z`,
    eventSource,
    eventName,
    awsRegion: REGION,
    sourceIPAddress: "3.3.3.3",
    userAgent: "aws-sdk-js/3",
    requestID: `req-${i}`,
    eventID: `00000000-0000-0000-0000-${String(i).padStart(12, "0")}`,
    readOnly: true,
    eventType: "AwsApiCall",
    managementEvent: false,
    recipientAccountId: ACCOUNT,
    ...extra,
  };
}

const records: Record<string, unknown>[] = [];
let n = 0;
for (const key of ["invoices/2026/a.pdf", "invoices/2026/b.pdf", "invoices/2026/c.pdf"]) {
  records.push(
    record(n++, "s3.amazonaws.com", "GetObject", {
      requestParameters: { bucketName: "orders-docs", key, Host: "orders-docs.s3.amazonaws.com" },
      resources: [
        { type: "AWS::S3::Object", ARN: `arn:aws:s3:::orders-docs/${key}` },
        { accountId: ACCOUNT, type: "AWS::S3::Bucket", ARN: "arn:aws:s3:::orders-docs" },
      ],
    }),
  );
}
for (let k = 0; k < 4; k++) records.push(record(n++, "dynamodb.amazonaws.com", "GetItem", { requestParameters: { tableName: "orders", key: { id: "x" } } }));
records.push(record(n++, "sqs.amazonaws.com", "SendMessage", { requestParameters: { queueUrl: `https://sqs.${REGION}.amazonaws.com/${ACCOUNT}/fulfillment`, messageBody: "HIDDEN" } }));
records.push(
  record(n++, "dynamodb.amazonaws.com", "DeleteTable", { requestParameters: { tableName: "orders" }, errorCode: "AccessDenied", errorMessage: "not authorized", managementEvent: true, readOnly: false }),
);

const dir = mkdtempSync(join(tmpdir(), "leastrole-gen-pipeline-"));
writeFileSync(join(dir, `${ACCOUNT}_CloudTrail_${REGION}_20261001T1000Z_x.json`), JSON.stringify({ Records: records }));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const allowed = (p: PolicyDocument, a: string, r: string): boolean => evaluateRequest({ identityPolicies: [p], request: { action: a, resource: r } }).decision === "allowed";

describe("CloudTrail → usage stage → generated policy", () => {
  it("grants each successful call on the resource its action is authorised on, and not the denied one", async () => {
    const aggregate = await readUsage([dir], { workers: 1 });
    const doc = document([fn], [role(ROLE, [fn.arn])]);
    doc.usage = labelUsage(aggregate, doc, { windowDays: 30 });
    const mine = doc.usage.principals.filter((p) => p.functionArn === fn.arn);
    expect(mine.map((p) => p.sessionKind)).toEqual(["function"]);

    const g = generatePolicy(doc, fn.arn, { windowDays: 30 }, catalog);
    const observed = g.statements.filter((s) => s.provenance.includes("observed"));
    expect(observed.map((s) => [s.actions, s.resources])).toEqual([
      [["dynamodb:GetItem"], [`arn:aws:dynamodb:${REGION}:${ACCOUNT}:table/orders`]],
      [["s3:GetObject"], ["arn:aws:s3:::orders-docs/invoices/2026/*"]],
      [["sqs:SendMessage"], [`arn:aws:sqs:${REGION}:${ACCOUNT}:fulfillment`]],
    ]);
    expect(allowed(g.policy, "s3:GetObject", "arn:aws:s3:::orders-docs/invoices/2026/a.pdf")).toBe(true);
    // The bucket ARN CloudTrail listed next to each object is not GetObject's resource.
    expect(allowed(g.policy, "s3:ListBucket", "arn:aws:s3:::orders-docs")).toBe(false);
    expect(allowed(g.policy, "dynamodb:DeleteTable", `arn:aws:dynamodb:${REGION}:${ACCOUNT}:table/orders`)).toBe(false);
    expect(g.warnings.map((w) => w.code)).toContain("denied-calls-not-granted");
    expect(g.usage.successfulCalls).toBe(3 + 4 + 1);
  });
});

/** Records of the orders-api session → readUsage → labelUsage → generatePolicy. */
async function generateFrom(recs: Record<string, unknown>[]) {
  const d = mkdtempSync(join(tmpdir(), "leastrole-gen-pipeline-"));
  try {
    writeFileSync(join(d, `${ACCOUNT}_CloudTrail_${REGION}_20261001T1000Z_y.json`), JSON.stringify({ Records: recs }));
    const aggregate = await readUsage([d], { workers: 1 });
    const doc = document([fn], [role(ROLE, [fn.arn])]);
    doc.usage = labelUsage(aggregate, doc, { windowDays: 30 });
    return generatePolicy(doc, fn.arn, { windowDays: 30 }, catalog);
  } finally {
    rmSync(d, { recursive: true, force: true });
  }
}

const observedOf = (g: Awaited<ReturnType<typeof generateFrom>>): [string[], string[]][] => g.statements.filter((s) => s.provenance.includes("observed")).map((s) => [s.actions, s.resources]);

describe("denied calls' resources", () => {
  const s3Get = (i: number, key: string, denied: boolean) =>
    record(i, "s3.amazonaws.com", "GetObject", {
      requestParameters: { bucketName: "orders-docs", key, Host: "orders-docs.s3.amazonaws.com" },
      resources: [
        { type: "AWS::S3::Object", ARN: `arn:aws:s3:::orders-docs/${key}` },
        { accountId: ACCOUNT, type: "AWS::S3::Bucket", ARN: "arn:aws:s3:::orders-docs" },
      ],
      ...(denied ? { errorCode: "AccessDenied", errorMessage: "Access Denied" } : {}),
    });

  it("does not grant an object only a denied call touched, and says so", async () => {
    const g = await generateFrom([s3Get(0, "exports/x.csv", false), s3Get(1, "exports/y.csv", false), s3Get(2, "payroll/2026.csv", true)]);
    expect(observedOf(g)).toEqual([[["s3:GetObject"], ["arn:aws:s3:::orders-docs/exports/x.csv", "arn:aws:s3:::orders-docs/exports/y.csv"]]]);
    expect(allowed(g.policy, "s3:GetObject", "arn:aws:s3:::orders-docs/payroll/2026.csv")).toBe(false);
    const w = g.warnings.filter((x) => x.code === "denied-resources-not-granted");
    expect(w.map((x) => x.action)).toEqual(["s3:GetObject"]);
    expect(w[0]?.message).toContain("arn:aws:s3:::orders-docs/payroll/2026.csv");
    // The bucket ARN listed beside the denied object was also listed by the successful calls: not named.
    expect(w[0]?.message).not.toContain("orders-docs,");
  });

  it("does not let a denied call's resource widen a prefix", async () => {
    const secret = (i: number, id: string, denied: boolean) =>
      record(i, "secretsmanager.amazonaws.com", "GetSecretValue", {
        requestParameters: { secretId: id },
        managementEvent: true,
        ...(denied ? { errorCode: "AccessDeniedException", errorMessage: "not authorized" } : {}),
      });
    const g = await generateFrom([secret(0, "orders/prod/db", false), secret(1, "orders/prod/token", false), secret(2, "orders/billing/card-key", true)]);
    const S = `arn:aws:secretsmanager:${REGION}:${ACCOUNT}:secret:`;
    expect(observedOf(g)).toEqual([[["secretsmanager:GetSecretValue"], [`${S}orders/prod/db-??????`, `${S}orders/prod/token-??????`]]]);
    expect(allowed(g.policy, "secretsmanager:GetSecretValue", `${S}orders/billing/card-key-AbCdEf`)).toBe(false);
    expect(g.warnings.find((x) => x.code === "denied-resources-not-granted")?.message).toContain(`${S}orders/billing/card-key-??????`);
  });
});

describe("calls KMS refused", () => {
  const SECRET = `arn:aws:secretsmanager:${REGION}:${ACCOUNT}:secret:prod/db-AbCdEf`;
  const KEY = `arn:aws:kms:${REGION}:${ACCOUNT}:key/1234abcd-12ab-34cd-56ef-1234567890ab`;
  const TABLE = `arn:aws:dynamodb:${REGION}:${ACCOUNT}:table/audit`;
  const SESSION = `arn:aws:sts::${ACCOUNT}:assumed-role/orders-role/orders-api`;

  it("warns that kms:Decrypt was refused on the key, not GetSecretValue, and grants nothing from a refused call", async () => {
    const g = await generateFrom([
      // A secret under a customer managed key the role may not use: Secrets Manager authorised the read, KMS refused the key.
      record(0, "secretsmanager.amazonaws.com", "GetSecretValue", {
        managementEvent: true,
        requestParameters: { secretId: SECRET },
        errorCode: "AccessDeniedException",
        errorMessage: `User: ${SESSION} is not authorized to perform: kms:Decrypt on resource: ${KEY} because no identity-based policy allows the kms:Decrypt action`,
      }),
      // A refusal whose record names no table (requestParameters null): its message does.
      record(1, "dynamodb.amazonaws.com", "PutItem", {
        requestParameters: null,
        readOnly: false,
        errorCode: "AccessDeniedException",
        errorMessage: `User: ${SESSION} is not authorized to perform: dynamodb:PutItem on resource: ${TABLE} because no identity-based policy allows the dynamodb:PutItem action`,
      }),
    ]);
    const denied = g.warnings.filter((w) => w.code === "denied-calls-not-granted");
    expect(denied.map((w) => w.action)).toEqual(["dynamodb:PutItem", "kms:Decrypt"]);
    expect(denied.find((w) => w.action === "kms:Decrypt")?.message).toBe(`kms:Decrypt: its one call was denied (AccessDeniedException; no identity-based policy allows it) on ${KEY}; not granted. If the function needs it, add a kept exception.`);
    expect(denied.find((w) => w.action === "dynamodb:PutItem")?.message).toContain(`denied (AccessDeniedException; no identity-based policy allows it) on ${TABLE}; not granted`);
    // GetSecretValue is no refused call (before: "secretsmanager:GetSecretValue: its one call was denied").
    expect(g.warnings.filter((w) => w.action === "secretsmanager:GetSecretValue")).toEqual([]);
    // The grant GetSecretValue's authorised call shows; nothing from the refused calls.
    expect(observedOf(g)).toEqual([[["secretsmanager:GetSecretValue"], [SECRET]]]);
    expect(allowed(g.policy, "kms:Decrypt", KEY)).toBe(false);
    expect(allowed(g.policy, "dynamodb:PutItem", TABLE)).toBe(false);
  });

  it("says when granting in the role cannot lift a refusal: an SCP's or a resource policy's, a Deny in the role's own policies", async () => {
    const refused = (seq: number, table: string, tail: string) =>
      record(seq, "dynamodb.amazonaws.com", "PutItem", {
        requestParameters: null,
        readOnly: false,
        errorCode: "AccessDeniedException",
        errorMessage: `User: ${SESSION} is not authorized to perform: dynamodb:PutItem on resource: ${table} ${tail}`,
      });
    const BUCKET_OBJECT = "arn:aws:s3:::exports/report.csv";
    const g = await generateFrom([
      refused(0, TABLE, "with an explicit deny in a service control policy"),
      refused(1, `${TABLE}-archive`, "because no identity-based policy allows the dynamodb:PutItem action"),
      record(2, "s3.amazonaws.com", "GetObject", {
        eventCategory: "Data",
        managementEvent: false,
        requestParameters: { bucketName: "exports", key: "report.csv" },
        resources: [{ type: "AWS::S3::Object", ARN: BUCKET_OBJECT }],
        errorCode: "AccessDenied",
        errorMessage: `User: ${SESSION} is not authorized to perform: s3:GetObject on resource: ${BUCKET_OBJECT} because no resource-based policy allows the s3:GetObject action`,
      }),
      record(3, "sqs.amazonaws.com", "SendMessage", {
        requestParameters: { queueUrl: `https://sqs.${REGION}.amazonaws.com/${ACCOUNT}/jobs` },
        readOnly: false,
        errorCode: "AccessDenied",
        errorMessage: `User: ${SESSION} is not authorized to perform: sqs:SendMessage on resource: arn:aws:sqs:${REGION}:${ACCOUNT}:jobs with an explicit deny in an identity-based policy`,
      }),
    ]);
    const byAction = Object.fromEntries(g.warnings.filter((w) => w.code === "denied-calls-not-granted").map((w) => [w.action, w.message]));
    expect(byAction["dynamodb:PutItem"]).toContain("denied (AccessDeniedException; explicit deny in a service control policy, no identity-based policy allows it)");
    expect(byAction["dynamodb:PutItem"]).toContain("Granting it in the execution role is not enough while the service control policy refuses it.");
    expect(byAction["s3:GetObject"]).toContain("Granting it in the execution role is not enough while the resource-based policy refuses it.");
    expect(byAction["sqs:SendMessage"]).toContain("An explicit deny in the role's identity-based policies refused it: granting it changes nothing while that Deny stays.");
    // A refusal for want of the role's own allow is what a grant fixes: no such sentence.
    const plain = await generateFrom([refused(0, TABLE, "because no identity-based policy allows the dynamodb:PutItem action")]);
    expect(plain.warnings.find((w) => w.action === "dynamodb:PutItem")?.message).not.toContain("not enough");
  });
});

describe("resources CloudTrail's resources[] leaves out", () => {
  it("grants a DynamoDB Query on the index it ran on (requestParameters.indexName), with and without resources[]", async () => {
    const T = `arn:aws:dynamodb:${REGION}:${ACCOUNT}:table/invoices`;
    const query = (i: number, withList: boolean) =>
      record(i, "dynamodb.amazonaws.com", "Query", {
        requestParameters: { tableName: "invoices", indexName: "by-due-date", keyConditionExpression: "dueDate = :d", limit: 25 },
        ...(withList ? { resources: [{ accountId: ACCOUNT, type: "AWS::DynamoDB::Table", ARN: T }] } : {}),
      });
    for (const withList of [true, false]) {
      const g = await generateFrom([query(0, withList)]);
      expect(allowed(g.policy, "dynamodb:Query", `${T}/index/by-due-date`), `resources[] ${withList}`).toBe(true);
      expect(allowed(g.policy, "dynamodb:Query", `${T}/index/by-customer`)).toBe(false);
    }
  });
});

describe("calls with two resources of one type, or with none", () => {
  it("grants a copy GetObject on its source and PutObject on its destination, not both on both", async () => {
    const copy = (i: number, from: string, to: string) =>
      record(i, "s3.amazonaws.com", "CopyObject", {
        requestParameters: { bucketName: "orders-archive", key: to, "x-amz-copy-source": from, Host: "orders-archive.s3.amazonaws.com" },
        resources: [
          { type: "AWS::S3::Object", ARN: `arn:aws:s3:::orders-archive/${to}` },
          { accountId: ACCOUNT, type: "AWS::S3::Bucket", ARN: "arn:aws:s3:::orders-archive" },
        ],
        readOnly: false,
      });
    const g = await generateFrom([copy(0, "orders-docs/invoices/2026/a.pdf", "2026/a.pdf"), copy(1, "/orders-docs/invoices/2026/b%20c.pdf?versionId=Lpq2", "2026/b c.pdf")]);
    expect(observedOf(g)).toEqual([
      [["s3:PutObject"], ["arn:aws:s3:::orders-archive/2026/a.pdf", "arn:aws:s3:::orders-archive/2026/b c.pdf"]],
      [["s3:GetObject"], ["arn:aws:s3:::orders-docs/invoices/2026/a.pdf", "arn:aws:s3:::orders-docs/invoices/2026/b c.pdf"]],
      [["s3:GetObjectVersion"], ["arn:aws:s3:::orders-docs/invoices/2026/b c.pdf"]],
    ]);
    // The copy reads the source and writes the destination: neither the other way round.
    expect(allowed(g.policy, "s3:GetObject", "arn:aws:s3:::orders-docs/invoices/2026/a.pdf")).toBe(true);
    expect(allowed(g.policy, "s3:PutObject", "arn:aws:s3:::orders-archive/2026/a.pdf")).toBe(true);
    expect(allowed(g.policy, "s3:PutObject", "arn:aws:s3:::orders-docs/invoices/2026/a.pdf")).toBe(false);
    expect(allowed(g.policy, "s3:GetObject", "arn:aws:s3:::orders-archive/2026/a.pdf")).toBe(false);
    expect(g.usage.successfulCalls).toBe(2 + 2 + 1);
  });

  it("grants an SNS Publish to a phone number on * beside the topic the other publishes named", async () => {
    const topic = `arn:aws:sns:${REGION}:${ACCOUNT}:order-events`;
    const publish = (i: number, params: object) => record(i, "sns.amazonaws.com", "Publish", { requestParameters: params, readOnly: false });
    const g = await generateFrom([
      publish(0, { topicArn: topic, message: "HIDDEN_DUE_TO_SECURITY_REASONS" }),
      publish(1, { topicArn: topic, message: "HIDDEN_DUE_TO_SECURITY_REASONS" }),
      publish(2, { phoneNumber: "HIDDEN_DUE_TO_SECURITY_REASONS", message: "HIDDEN_DUE_TO_SECURITY_REASONS" }),
    ]);
    expect(observedOf(g)).toEqual([[["sns:Publish"], ["*"]]]);
    expect(allowed(g.policy, "sns:Publish", "*")).toBe(true);
    expect(g.warnings.find((w) => w.code === "calls-without-resource")?.message).toContain("sns:Publish: 1 successful call named no topic");
    // Only phone numbers: still *, not every topic of the account (which refuses an SMS).
    const sms = await generateFrom([publish(0, { phoneNumber: "HIDDEN_DUE_TO_SECURITY_REASONS", message: "x" })]);
    expect(observedOf(sms)).toEqual([[["sns:Publish"], ["*"]]]);
    // Only topics: the topic, as before.
    const topics = await generateFrom([publish(0, { topicArn: topic, message: "x" })]);
    expect(observedOf(topics)).toEqual([[["sns:Publish"], [topic]]]);
    expect(topics.warnings.map((w) => w.code)).not.toContain("calls-without-resource");
  });

  it("covers a call that named a resource the record does not show with the type in the account", async () => {
    const param = (n: string) => `arn:aws:ssm:${REGION}:${ACCOUNT}:parameter/orders/${n}`;
    const g = await generateFrom([
      record(0, "ssm.amazonaws.com", "GetParameter", { requestParameters: { name: "/orders/db-host" } }),
      // GetParametersByPath is authorised as GetParametersByPath; GetParameter's own calls without a name stand in here.
      record(1, "ssm.amazonaws.com", "GetParameter", { requestParameters: { withDecryption: true } }),
    ]);
    expect(observedOf(g)).toEqual([[["ssm:GetParameter"], [`arn:aws:ssm:${REGION}:${ACCOUNT}:parameter/*`]]]);
    expect(allowed(g.policy, "ssm:GetParameter", param("db-host"))).toBe(true);
    expect(g.warnings.find((w) => w.code === "calls-without-resource")?.message).toContain(`granted on arn:aws:ssm:${REGION}:${ACCOUNT}:parameter/*`);
  });
});

describe("more objects than the usage sample keeps", () => {
  it("grants the objects' own prefix, not the bucket's name followed by anything", async () => {
    // 60 PutObjects under out/2026/ (the sample keeps 50) and one denied on private/: each record
    // lists the object and its bucket, as S3 data events do. The bucket's ARN used to shorten the
    // prefix to `arn:aws:s3:::acme-reports`, granted as `acme-reports*`: the denied object, every
    // other object, and the bucket acme-reports-public too.
    const put = (i: number, key: string, denied: boolean) =>
      record(i, "s3.amazonaws.com", "PutObject", {
        requestParameters: { bucketName: "acme-reports", key, Host: "acme-reports.s3.amazonaws.com" },
        resources: [
          { type: "AWS::S3::Object", ARN: `arn:aws:s3:::acme-reports/${key}` },
          { accountId: ACCOUNT, type: "AWS::S3::Bucket", ARN: "arn:aws:s3:::acme-reports" },
        ],
        readOnly: false,
        ...(denied ? { errorCode: "AccessDenied", errorMessage: "Access Denied" } : {}),
      });
    const recs = Array.from({ length: 60 }, (_, i) => put(i, `out/2026/1${String(i).padStart(3, "0")}.csv`, false));
    recs.push(put(60, "private/salaries.csv", true));
    const g = await generateFrom(recs);
    expect(observedOf(g)).toEqual([[["s3:PutObject"], ["arn:aws:s3:::acme-reports/out/2026/10*"]]]);
    expect(allowed(g.policy, "s3:PutObject", "arn:aws:s3:::acme-reports/out/2026/1059.csv")).toBe(true);
    expect(allowed(g.policy, "s3:PutObject", "arn:aws:s3:::acme-reports/private/salaries.csv")).toBe(false);
    expect(allowed(g.policy, "s3:PutObject", "arn:aws:s3:::acme-reports-public/index.html")).toBe(false);
    expect(g.warnings.find((w) => w.code === "resources-truncated")?.message).not.toContain("spans several parents");
  });

  it("grants each bucket's and each Region's own prefix when the calls crossed them, not what the buckets' or Regions' names share", async () => {
    // 40 objects in each of two buckets (the sample keeps 50), each record listing its bucket as
    // S3 data events do. The one prefix of all of them is `arn:aws:s3:::acme-`: granted as
    // `acme-*` it covered every bucket named so (and `arn:aws:s3:::*` had the names nothing in common).
    const put = (i: number, bucket: string, key: string) =>
      record(i, "s3.amazonaws.com", "PutObject", {
        requestParameters: { bucketName: bucket, key, Host: `${bucket}.s3.amazonaws.com` },
        resources: [
          { type: "AWS::S3::Object", ARN: `arn:aws:s3:::${bucket}/${key}` },
          { accountId: ACCOUNT, type: "AWS::S3::Bucket", ARN: `arn:aws:s3:::${bucket}` },
        ],
        readOnly: false,
      });
    const recs = Array.from({ length: 80 }, (_, i) => (i % 2 === 0 ? put(i, "acme-reports", `out/2026/${i}.csv`) : put(i, "acme-archive", `daily/${i}.json.gz`)));
    const g = await generateFrom(recs);
    expect(observedOf(g)).toEqual([[["s3:PutObject"], ["arn:aws:s3:::acme-archive/daily/*", "arn:aws:s3:::acme-reports/out/2026/*"]]]);
    for (const r of recs) {
      const arn = ((r.resources as { ARN: string }[])[0] as { ARN: string }).ARN;
      expect(allowed(g.policy, "s3:PutObject", arn)).toBe(true);
    }
    expect(allowed(g.policy, "s3:PutObject", "arn:aws:s3:::acme-payroll/2026/01.csv")).toBe(false);
    expect(allowed(g.policy, "s3:PutObject", "arn:aws:s3:::acme-reports/private/salaries.csv")).toBe(false);
    const warning = g.warnings.find((w) => w.code === "resources-truncated")?.message ?? "";
    expect(warning).toContain("arn:aws:s3:::acme-archive/daily/*, arn:aws:s3:::acme-reports/out/2026/*");
    expect(warning).not.toContain("spans several parents");

    // Tables in two Regions: each Region's tables, not `arn:aws:dynamodb:*`.
    const tables = Array.from({ length: 60 }, (_, i) =>
      record(i, "dynamodb.amazonaws.com", "GetItem", { awsRegion: i % 2 === 0 ? "us-east-1" : "eu-west-1", requestParameters: { tableName: `orders-${i % 2 === 0 ? "us" : "eu"}-${i}` } }),
    );
    const d = await generateFrom(tables);
    expect(observedOf(d)).toEqual([
      [["dynamodb:GetItem"], [`arn:aws:dynamodb:eu-west-1:${ACCOUNT}:table/orders-eu-*`, `arn:aws:dynamodb:us-east-1:${ACCOUNT}:table/orders-us-*`]],
    ]);
    expect(allowed(d.policy, "dynamodb:GetItem", `arn:aws:dynamodb:us-east-1:${ACCOUNT}:table/orders-us-2`)).toBe(true);
    expect(allowed(d.policy, "dynamodb:GetItem", `arn:aws:dynamodb:ap-south-1:${ACCOUNT}:table/orders-us-2`)).toBe(false);
  });
});

describe("Bedrock inference calls", () => {
  it("grants Converse and InvokeModel as bedrock:InvokeModel on the model or inference profile the call named", async () => {
    const MODEL = "anthropic.claude-3-haiku-20240307-v1:0";
    const FM = `arn:aws:bedrock:${REGION}::foundation-model/${MODEL}`;
    const call = (i: number, name: string, modelId: string) => record(i, "bedrock.amazonaws.com", name, { requestParameters: { modelId }, managementEvent: true });
    const g = await generateFrom([call(0, "InvokeModel", FM), call(1, "Converse", MODEL), call(2, "ConverseStream", `us.${MODEL}`)]);
    // Before: bedrock:Converse (no such action) on *, and InvokeModel on application-inference-profile/* only.
    expect(g.warnings.filter((w) => w.code === "unknown-action")).toEqual([]);
    expect(allowed(g.policy, "bedrock:InvokeModel", FM)).toBe(true);
    expect(allowed(g.policy, "bedrock:InvokeModel", `arn:aws:bedrock:${REGION}::foundation-model/anthropic.claude-3-opus-20240229-v1:0`)).toBe(false);
    // ConverseStream through a US inference profile: the profile, and the model wherever it routes.
    expect(allowed(g.policy, "bedrock:InvokeModelWithResponseStream", `arn:aws:bedrock:${REGION}:${ACCOUNT}:inference-profile/us.${MODEL}`)).toBe(true);
    expect(allowed(g.policy, "bedrock:InvokeModelWithResponseStream", `arn:aws:bedrock:us-west-2::foundation-model/${MODEL}`)).toBe(true);
    expect(allowed(g.policy, "bedrock:Converse", "*")).toBe(false);
  });
});

describe("API Gateway management calls", () => {
  it("grants each verb on the path its calls were on, where the event name makes it certain", async () => {
    const GW = `arn:aws:apigateway:${REGION}::`;
    const call = (i: number, name: string, requestParameters: object | null) => record(i, "apigateway.amazonaws.com", name, { requestParameters, managementEvent: true });
    const g = await generateFrom([call(0, "GetRestApis", null), call(1, "GetRestApi", { restApiId: "abc123" })]);
    // Before: apigateway:GET on /account only, refusing both calls.
    expect(allowed(g.policy, "apigateway:GET", `${GW}/restapis`)).toBe(true);
    expect(allowed(g.policy, "apigateway:GET", `${GW}/restapis/abc123`)).toBe(true);
    expect(allowed(g.policy, "apigateway:GET", `${GW}/restapis/zzz999`)).toBe(false);
    expect(allowed(g.policy, "apigateway:GET", `${GW}/account`)).toBe(false);
    // A call whose path is not certain (GetExport's stage and export type): every path in the Region.
    const e = await generateFrom([call(0, "GetRestApis", null), call(1, "GetExport", { restApiId: "abc123", stageName: "prod", exportType: "oas30" })]);
    expect(allowed(e.policy, "apigateway:GET", `${GW}/restapis/abc123/stages/prod/exports/oas30`)).toBe(true);
  });
});

describe("calls that name their resource only in requestParameters", () => {
  it("grants GetParametersByPath on the path it read, not on every parameter", async () => {
    const P = `arn:aws:ssm:${REGION}:${ACCOUNT}:parameter`;
    const call = (i: number, path: string) => record(i, "ssm.amazonaws.com", "GetParametersByPath", { requestParameters: { path, recursive: true, withDecryption: true }, managementEvent: true });
    const g = await generateFrom([call(0, "/orders/prod"), call(1, "/orders/prod")]);
    // Before: parameter/* with a no-resource-recorded warning.
    expect(g.warnings.filter((w) => w.code === "no-resource-recorded")).toEqual([]);
    expect(allowed(g.policy, "ssm:GetParametersByPath", `${P}/orders/prod`)).toBe(true);
    expect(allowed(g.policy, "ssm:GetParametersByPath", `${P}/orders`)).toBe(false);
    expect(allowed(g.policy, "ssm:GetParametersByPath", `${P}/billing/prod`)).toBe(false);
  });

  it("grants RunTask on the task definition it ran: the revision named, or every revision of a family named alone", async () => {
    const T = `arn:aws:ecs:${REGION}:${ACCOUNT}:task-definition`;
    const call = (i: number, taskDefinition: string) =>
      record(i, "ecs.amazonaws.com", "RunTask", { requestParameters: { cluster: "batch", count: 1, launchType: "FARGATE", taskDefinition }, managementEvent: true, readOnly: false });
    const g = await generateFrom([call(0, "nightly-export"), call(1, "reindex:4")]);
    // Before: task-definition/* with a no-resource-recorded warning.
    expect(g.warnings.filter((w) => w.code === "no-resource-recorded")).toEqual([]);
    expect(allowed(g.policy, "ecs:RunTask", `${T}/nightly-export:1`)).toBe(true);
    expect(allowed(g.policy, "ecs:RunTask", `${T}/nightly-export:28`)).toBe(true);
    expect(allowed(g.policy, "ecs:RunTask", `${T}/reindex:4`)).toBe(true);
    expect(allowed(g.policy, "ecs:RunTask", `${T}/reindex:5`)).toBe(false);
    expect(allowed(g.policy, "ecs:RunTask", `${T}/nightly-export-v2:1`)).toBe(false);
  });
  it("grants Step Functions, Firehose, Cognito, CodeBuild, Glue, Athena and SQS GetQueueUrl calls on the resource their parameters name", async () => {
    const A = `${REGION}:${ACCOUNT}`;
    const call = (i: number, source: string, name: string, requestParameters: object) => record(i, `${source}.amazonaws.com`, name, { requestParameters, managementEvent: true });
    const g = await generateFrom([
      call(0, "states", "DescribeExecution", { executionArn: `arn:aws:states:${A}:execution:checkout:7f9e` }),
      call(1, "firehose", "PutRecord", { deliveryStreamName: "clicks-to-s3", record: { data: "HIDDEN_DUE_TO_SECURITY_REASONS" } }),
      call(2, "cognito-idp", "AdminGetUser", { userPoolId: `${REGION}_AbC123xyz`, username: "HIDDEN_DUE_TO_SECURITY_REASONS" }),
      call(3, "codebuild", "StartBuild", { projectName: "site-build" }),
      call(4, "glue", "StartJobRun", { jobName: "nightly-etl" }),
      call(5, "athena", "StartQueryExecution", { queryString: "SELECT 1", workGroup: "analytics" }),
      call(6, "sqs", "GetQueueUrl", { queueName: "fulfillment" }),
    ]);
    // Before: each on its resource type's every name (execution:*, deliverystream/*, userpool/* …), warned.
    expect(g.warnings.filter((w) => w.code === "no-resource-recorded")).toEqual([]);
    const cases: [string, string, string][] = [
      ["states:DescribeExecution", `arn:aws:states:${A}:execution:checkout:7f9e`, `arn:aws:states:${A}:execution:payroll:1`],
      ["firehose:PutRecord", `arn:aws:firehose:${A}:deliverystream/clicks-to-s3`, `arn:aws:firehose:${A}:deliverystream/audit`],
      ["cognito-idp:AdminGetUser", `arn:aws:cognito-idp:${A}:userpool/${REGION}_AbC123xyz`, `arn:aws:cognito-idp:${A}:userpool/${REGION}_Other0000`],
      ["codebuild:StartBuild", `arn:aws:codebuild:${A}:project/site-build`, `arn:aws:codebuild:${A}:project/deploy-prod`],
      ["glue:StartJobRun", `arn:aws:glue:${A}:job/nightly-etl`, `arn:aws:glue:${A}:job/drop-tables`],
      ["athena:StartQueryExecution", `arn:aws:athena:${A}:workgroup/analytics`, `arn:aws:athena:${A}:workgroup/primary`],
      ["sqs:GetQueueUrl", `arn:aws:sqs:${A}:fulfillment`, `arn:aws:sqs:${A}:payroll`],
    ];
    for (const [action, named, other] of cases) {
      expect([action, allowed(g.policy, action, named)]).toEqual([action, true]);
      expect([action, allowed(g.policy, action, other)]).toEqual([action, false]);
    }
  });
  it("grants a Glue table read on its catalog, database and table, and keeps a database-wide read as it was", async () => {
    const G = `arn:aws:glue:${REGION}:${ACCOUNT}`;
    const call = (i: number, name: string, requestParameters: object) => record(i, "glue.amazonaws.com", name, { requestParameters, managementEvent: true });
    const g = await generateFrom([call(0, "GetTable", { databaseName: "events", name: "clicks" }), call(1, "GetPartitions", { databaseName: "events", tableName: "clicks" }), call(2, "GetTables", { databaseName: "events" })]);
    // Before: GetTable and GetPartitions on every catalog, database and table (warned).
    for (const action of ["glue:GetTable", "glue:GetPartitions"]) {
      for (const arn of [`${G}:catalog`, `${G}:database/events`, `${G}:table/events/clicks`]) expect([action, arn, allowed(g.policy, action, arn)]).toEqual([action, arn, true]);
      expect([action, allowed(g.policy, action, `${G}:table/events/payroll`)]).toEqual([action, false]);
      expect([action, allowed(g.policy, action, `${G}:database/hr`)]).toEqual([action, false]);
    }
    // GetTables names no table: it keeps the grant on every one, warned.
    expect(allowed(g.policy, "glue:GetTables", `${G}:table/events/payroll`)).toBe(true);
    expect(g.warnings.filter((w) => w.code === "no-resource-recorded").map((w) => w.action)).toEqual(["glue:GetTables"]);
  });
  it("grants a DynamoDB stream's DescribeStream on the stream its event source mapping read", async () => {
    const STREAM = `arn:aws:dynamodb:${REGION}:${ACCOUNT}:table/orders/stream/2026-10-09T00:07:23.254`;
    const g = await generateFrom([record(0, "dynamodb.amazonaws.com", "DescribeStream", { requestParameters: { streamArn: STREAM }, managementEvent: true })]);
    // Before: every stream of every table in the account (table/*/stream/*), warned.
    expect(g.warnings.filter((w) => w.code === "no-resource-recorded")).toEqual([]);
    expect(allowed(g.policy, "dynamodb:DescribeStream", STREAM)).toBe(true);
    expect(allowed(g.policy, "dynamodb:DescribeStream", `arn:aws:dynamodb:${REGION}:${ACCOUNT}:table/payroll/stream/2026-10-09T00:07:23.254`)).toBe(false);
  });
});

describe("ECS services, Batch jobs and Glue databases named in requestParameters", () => {
  it("grants UpdateService and DescribeServices on the services called, under their cluster", async () => {
    const S = `arn:aws:ecs:${REGION}:${ACCOUNT}:service`;
    const g = await generateFrom([
      record(0, "ecs.amazonaws.com", "UpdateService", { requestParameters: { cluster: "production", service: "checkout", desiredCount: 4 }, managementEvent: true, readOnly: false }),
      record(1, "ecs.amazonaws.com", "DescribeServices", { requestParameters: { cluster: "production", services: ["checkout", "cart"] }, managementEvent: true }),
    ]);
    // Before: service/*/* for both, with a no-resource-recorded warning.
    expect(g.warnings.filter((w) => w.code === "no-resource-recorded")).toEqual([]);
    expect(allowed(g.policy, "ecs:UpdateService", `${S}/production/checkout`)).toBe(true);
    expect(allowed(g.policy, "ecs:UpdateService", `${S}/production/cart`)).toBe(false);
    expect(allowed(g.policy, "ecs:UpdateService", `${S}/staging/checkout`)).toBe(false);
    expect(allowed(g.policy, "ecs:DescribeServices", `${S}/production/cart`)).toBe(true);
    expect(allowed(g.policy, "ecs:DescribeServices", `${S}/production/payments`)).toBe(false);
  });

  it("grants SubmitJob on the job queue and the job definition, every revision of one named without a revision", async () => {
    const B = `arn:aws:batch:${REGION}:${ACCOUNT}`;
    const call = (i: number, jobQueue: string, jobDefinition: string) =>
      record(i, "batch.amazonaws.com", "SubmitJob", { requestParameters: { jobName: `job-${i}`, jobQueue, jobDefinition }, managementEvent: true, readOnly: false });
    const g = await generateFrom([call(0, "high-priority", "render"), call(1, "high-priority", "reindex:2")]);
    // Before: job-queue/* and job-definition/* with a no-resource-recorded warning.
    expect(g.warnings.filter((w) => w.code === "no-resource-recorded")).toEqual([]);
    expect(allowed(g.policy, "batch:SubmitJob", `${B}:job-queue/high-priority`)).toBe(true);
    expect(allowed(g.policy, "batch:SubmitJob", `${B}:job-queue/low-priority`)).toBe(false);
    expect(allowed(g.policy, "batch:SubmitJob", `${B}:job-definition/render:1`)).toBe(true);
    expect(allowed(g.policy, "batch:SubmitJob", `${B}:job-definition/render:17`)).toBe(true);
    expect(allowed(g.policy, "batch:SubmitJob", `${B}:job-definition/reindex:2`)).toBe(true);
    expect(allowed(g.policy, "batch:SubmitJob", `${B}:job-definition/reindex:3`)).toBe(false);
    expect(allowed(g.policy, "batch:SubmitJob", `${B}:job-definition/render-v2:1`)).toBe(false);
  });

  it("grants GetDatabase on the catalog and the database it read", async () => {
    const G = `arn:aws:glue:${REGION}:${ACCOUNT}`;
    const g = await generateFrom([record(0, "glue.amazonaws.com", "GetDatabase", { requestParameters: { name: "events" }, managementEvent: true })]);
    // Before: each of its resource types' pattern (database/* among them) with a no-resource-recorded warning.
    expect(g.warnings.filter((w) => w.code === "no-resource-recorded")).toEqual([]);
    expect(allowed(g.policy, "glue:GetDatabase", `${G}:catalog`)).toBe(true);
    expect(allowed(g.policy, "glue:GetDatabase", `${G}:database/events`)).toBe(true);
    expect(allowed(g.policy, "glue:GetDatabase", `${G}:database/billing`)).toBe(false);
  });
});

describe("EC2, IAM, Step Functions and CloudTrail calls named by their request parameters", () => {
  it("grants an instance scheduler's StopInstances on its instances, a created user, state machine, trail and a role by name; every observed call stays allowed", async () => {
    // Before, each of these was granted on every resource of its type (ec2:StopInstances on instance/*).
    const E = `arn:aws:ec2:${REGION}:${ACCOUNT}`;
    const call = (i: number, eventSource: string, eventName: string, requestParameters: object) => record(i, eventSource, eventName, { requestParameters, readOnly: false, managementEvent: true });
    const g = await generateFrom([
      call(0, "ec2.amazonaws.com", "StopInstances", { instancesSet: { items: [{ instanceId: "i-0abc1234def567890" }, { instanceId: "i-0fedcba9876543210" }] }, force: false }),
      call(1, "ec2.amazonaws.com", "StopInstances", { instancesSet: { items: [{ instanceId: "i-0abc1234def567890" }] }, force: false }),
      call(2, "ec2.amazonaws.com", "CreateTags", { resourcesSet: { items: [{ resourceId: "i-0abc1234def567890" }, { resourceId: "snap-066877671789bd71b" }] }, tagSet: { items: [{ key: "stopped-by", value: "scheduler" }] } }),
      call(3, "iam.amazonaws.com", "CreateUser", { userName: "report-reader", path: "/reports/" }),
      call(4, "states.amazonaws.com", "CreateStateMachine", { name: "monthly-report", roleArn: `arn:aws:iam::${ACCOUNT}:role/sfn`, definition: "HIDDEN_DUE_TO_SECURITY_REASONS" }),
      call(5, "cloudtrail.amazonaws.com", "StartLogging", { name: "org-trail" }),
      // By name: the role's path is not in the record, but the document's role gives it (iam-names.test.ts).
      call(6, "iam.amazonaws.com", "GetRole", { roleName: "orders-role" }),
    ]);
    const calls: [string, string][] = [
      ["ec2:StopInstances", `${E}:instance/i-0abc1234def567890`],
      ["ec2:StopInstances", `${E}:instance/i-0fedcba9876543210`],
      ["ec2:CreateTags", `${E}:instance/i-0abc1234def567890`],
      ["ec2:CreateTags", `arn:aws:ec2:${REGION}::snapshot/snap-066877671789bd71b`],
      ["iam:CreateUser", `arn:aws:iam::${ACCOUNT}:user/reports/report-reader`],
      ["states:CreateStateMachine", `arn:aws:states:${REGION}:${ACCOUNT}:stateMachine:monthly-report`],
      ["cloudtrail:StartLogging", `arn:aws:cloudtrail:${REGION}:${ACCOUNT}:trail/org-trail`],
      ["iam:GetRole", ROLE],
    ];
    for (const [a, r] of calls) expect(allowed(g.policy, a, r), `${a} ${r}`).toBe(true);
    // …and not on the instances, users, machines or trails the function never named.
    for (const [a, r] of [
      ["ec2:StopInstances", `${E}:instance/i-0000000000000000a`],
      ["ec2:CreateTags", `${E}:volume/vol-1`],
      ["iam:CreateUser", `arn:aws:iam::${ACCOUNT}:user/admin`],
      ["states:CreateStateMachine", `arn:aws:states:${REGION}:${ACCOUNT}:stateMachine:other`],
      ["cloudtrail:StartLogging", `arn:aws:cloudtrail:${REGION}:${ACCOUNT}:trail/other`],
      ["iam:GetRole", `arn:aws:iam::${ACCOUNT}:role/service-role/other`],
    ] as const) expect(allowed(g.policy, a, r), `${a} ${r}`).toBe(false);
    expect(g.usage.successfulCalls).toBe(7);
  });
});
