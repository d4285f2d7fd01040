/**
 * The WebAssembly scanner (src/usage/wasm) against the two references. A file read with it must
 * accumulate to the same partial as with JSON.parse + record-fields.ts, and, warnings and byte
 * offsets included, as with the JavaScript byte scanner:
 * - over role-session records shaped like real ones, varied the ways real and hostile input
 *   varies (escapes and non-ASCII in any field, values too long to intern, wrong types,
 *   duplicate keys, escaped keys, odd timestamps, whitespace, key order);
 * - with the symbol table cleared every few records (ids reused across epochs);
 * - over any truncation of such a file.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { FileAccumulator, type FilePartial } from "../../src/usage/accumulate.js";
import { readDecoded, readUsageFile, type ReadFileOptions } from "../../src/usage/read-file.js";
import { fingerprint52 } from "../../src/usage/fingerprints.js";
import { LATE_COPY } from "../../src/usage/dedup.js";
import { scannerModule, WasmScanner } from "../../src/usage/scan-wasm.js";
import { arrayStartsWithRecord } from "../../src/usage/scan-records.js";
import * as slots from "../../src/usage/scan-slots.js";
import { roleCallRecord } from "../support/cloudtrail-record.js";
import { corpusFiles } from "./helpers.js";

const ROLES = ["arn:aws:iam::111122223333:role/service-role/orders-role", "arn:aws:iam::111122223333:role/shared", "arn:aws-cn:iam::444455556666:role/cn-role"];
// Several service sessions per role: the first takes the whole path, the next ones the fast one (serviceSession).
const SESSIONS = ["orders-fn", "billing-fn", "awslambda_12_20261001120000000", "awslambda_3_20261001130000000", "awslambda_40_20261002010000000", "caf\u00e9-fn", 'q"uote', "x".repeat(300)];
const odd = fc.constantFrom("caf\u00e9", 'with "quote"', "back\\slash", "\u65e5\u672c", "t".repeat(300), "", "a\u0000b");
const name = fc.oneof(fc.constantFrom("orders", "orders-2026", "prefix/orders"), odd);
/**
 * Duplicate keys inside an EC2 set: a later `items` replaces an earlier one, a later id an earlier
 * one (a string after a number, a null after a string), an escaped id key is the key.
 */
function duplicateInSet(text: string): string {
  return text
    .replace(/"(instancesSet|resourcesSet)":\{"items":/, '"$1":{"items":[{"instanceId":"i-first","resourceId":"sg-first"}],"items":')
    .replace('{"instanceId":"i-0abc123"}', '{"instanceId":7,"instanceId":"i-0abc123"}')
    .replace('{"resourceId":"sg-11bbcc22"}', '{"resourceId":"sg-11bbcc22","resourceId":null}')
    .replace('{"instanceId":"i-0def456"}', '{"instance\\u0049d":"i-0def456"}');
}

/** An EC2 set as CloudTrail writes it, and the shapes that give no ids (an item without one, not an object, no items). */
function ec2Set(idKey: string, ids: string[]): fc.Arbitrary<object | string> {
  // Mostly ids of the call's types; an id of another type, of none, or odd text spoils the set's ARNs (all or none).
  const id = fc.oneof({ weight: 8, arbitrary: fc.constantFrom(...ids) }, { weight: 1, arbitrary: fc.constantFrom("i-0abc123", "vol-0a1b2c3d", "x-1") }, { weight: 1, arbitrary: odd });
  return fc.oneof(
    { weight: 6, arbitrary: fc.array(id.map((v) => ({ [idKey]: v })), { maxLength: 3 }).map((items) => ({ items })) },
    { weight: 1, arbitrary: fc.constantFrom({ items: [{ [idKey]: "i-1" }, {}] }, { items: [{ [idKey]: 5 }] }, { items: ["i-1"] }, { items: "i-1" }, {}, { items: [{ imageId: "ami-1", minCount: 1 }] }, "i-1") },
  );
}

const CALLS: [string, string, fc.Arbitrary<object | null>][] = [
  ["dynamodb", "GetItem", fc.record({ tableName: name })],
  ["s3", "GetObject", fc.record({ bucketName: name, key: name, versionId: fc.constantFrom("v1", "v2") }, { requiredKeys: ["bucketName"] })],
  ["ssm", "GetParameters", fc.record({ names: fc.oneof(fc.array(name, { maxLength: 3 }), fc.constant(["a", 1])) })],
  ["sqs", "SendMessage", fc.record({ queueUrl: fc.constantFrom("https://sqs.us-east-1.amazonaws.com/111122223333/q", "not a url") })],
  ["lambda", "CreateFunction20150331", fc.record({ functionName: fc.constantFrom("new-fn", "arn:aws:lambda:us-east-1:111122223333:function:new-fn") })],
  // Copies: the source is a call of its own (resources.ts copySourceOf), in every reader alike.
  ["s3", "CopyObject", fc.record({ bucketName: name, key: name, "x-amz-copy-source": fc.oneof(fc.constantFrom("intake/a.pdf", "/intake/b%20c.pdf?versionId=v1", "arn%3Aaws%3As3%3Aus-east-1%3A111122223333%3Aaccesspoint%2Fap%2Fobject%2Fk", "%E0%A4%A", "bucket-only"), name) }, { requiredKeys: ["bucketName"] })],
  // Refusals read by their message (denials.ts): a KMS refusal's two halves, a resource from the message.
  ["secretsmanager", "GetSecretValue", fc.oneof(fc.record({ secretId: fc.constantFrom("prod/db", "arn:aws:secretsmanager:us-east-1:111122223333:secret:prod/db-AbCdEf") }), fc.constant(null))],
  // A second list key (ECS DescribeServices' `services`), a cluster by name or ARN; Batch's two
  // resources of one call; Glue's `name`, a database for GetDatabase only (derived per event name).
  ["ecs", "DescribeServices", fc.record({ cluster: fc.constantFrom("production", "arn:aws:ecs:us-east-1:111122223333:cluster/production"), services: fc.oneof(fc.array(name, { maxLength: 3 }), fc.constant(["a", 1]), fc.constant("checkout")) }, { requiredKeys: ["services"] })],
  ["ecs", "UpdateService", fc.record({ cluster: name, service: name }, { requiredKeys: ["service"] })],
  ["batch", "SubmitJob", fc.record({ jobName: name, jobQueue: fc.oneof(name, fc.constant("arn:aws:batch:us-east-1:111122223333:job-queue/q")), jobDefinition: fc.constantFrom("render", "render:3", "arn:aws:batch:us-east-1:111122223333:job-definition/render") })],
  ["glue", "GetDatabase", fc.record({ name, catalogId: fc.constantFrom("111122223333", "444455556666") }, { requiredKeys: ["name"] })],
  ["glue", "GetCrawler", fc.record({ name })],
  ["dynamodb", "PutItem", fc.constant(null)],
  // Multi-item calls (ddb-items.ts): the items are read by the full parser in every reader; an
  // unreadable item (no operation, another one, no table, a word that is no verb, not a list)
  // leaves the call counted whole.
  ["dynamodb", "TransactWriteItems", fc.record({ requestItems: fc.oneof(fc.array(fc.record({ operation: fc.constantFrom("Put", "Update", "Delete", "ConditionCheck", "Get", 5), tableName: fc.oneof(name, fc.constant("arn:aws:dynamodb:us-east-1:444455556666:table/shared")), TableName: name }, { requiredKeys: [] }), { maxLength: 3 }), fc.constant("***(Truncated)")) })],
  ["dynamodb", "BatchExecuteStatement", fc.record({ requestItems: fc.array(fc.oneof(fc.constantFrom("SELECT * FROM orders WHERE id = 'FROM x'", 'SELECT a FROM "orders"."by-day"', "select * from orders.byDay", "INSERT INTO audit VALUE {'id' : ***(Redacted)}", "EXISTS(SELECT * FROM orders)", "SELECT 'x"), name.map((t) => `DELETE FROM "${t}" WHERE id = 'a'`)).map((statement) => ({ statement })), { maxLength: 3 }) })],
  ["dynamodb", "ExecuteTransaction", fc.record({ requestItems: fc.array(fc.oneof(name.map((t) => ({ statement: `UPDATE ${t} SET a = ***(Redacted)` })), fc.constant({})), { maxLength: 2 }) })],
  ["kms", "Decrypt", fc.constant({})],
  // Two halves of one record (resources.ts reEncryptSplit): the source key (the first of resources[]) and the call.
  ["kms", "ReEncrypt", fc.constant({ destinationKeyId: "alias/rotated" })],
  ["sts", "GetCallerIdentity", fc.constant({})],
  // EC2's sets (event.ts SET_PARAM_KEYS: the items' ids, all or none), ids by call (resources.ts
  // ec2Arns); an IAM role created under a path; a state machine created by name; a trail by name or ARN.
  ["ec2", "StopInstances", fc.record({ instancesSet: ec2Set("instanceId", ["i-0abc123", "i-0def456"]), force: fc.boolean() }, { requiredKeys: ["instancesSet"] })],
  ["ec2", "CreateTags", fc.record({ resourcesSet: ec2Set("resourceId", ["sg-11bbcc22", "i-0abc123", "snap-066877671789bd71b", "ami-1"]), tagSet: fc.constant({ items: [{ key: "Name", value: "web" }] }) }, { requiredKeys: ["resourcesSet"] })],
  ["ec2", "AttachVolume", fc.record({ volumeId: fc.constantFrom("vol-0a1b2c3d", "snap-1"), instanceId: fc.oneof(fc.constantFrom("i-0abc123", "sg-1"), odd), device: fc.constant("/dev/sdf") }, { requiredKeys: ["volumeId"] })],
  ["iam", "CreateRole", fc.record({ roleName: name, path: fc.constantFrom("/", "/service-role/", "no-slash") }, { requiredKeys: ["roleName"] })],
  ["states", "CreateStateMachine", fc.record({ name, roleArn: fc.constant("arn:aws:iam::111122223333:role/sfn") })],
  // A log stream, named for the calls authorised on it (resources.ts LOG_STREAM_ACTIONS), its group for the others.
  ["logs", "PutLogEvents", fc.record({ logGroupName: fc.constantFrom("/aws/lambda/f", "/app/a"), logGroupIdentifier: fc.constantFrom("/app/b", "arn:aws:logs:us-east-1:444455556666:log-group:/app/c:*"), logStreamName: fc.oneof(fc.constantFrom("2026/10/02/[$LATEST]0abc", "a:b", "a*", ""), name) }, { requiredKeys: [] })],
  ["logs", "FilterLogEvents", fc.record({ logGroupName: fc.constant("/app/a"), logStreamName: name }, { requiredKeys: [] })],
  // A Kinesis consumer by stream and name (resources.ts KINESIS_CONSUMER_BY_NAME_ACTIONS), by its ARN, or a stream's registration.
  ["kinesis", "DescribeStreamConsumer", fc.record({ streamARN: fc.constantFrom("arn:aws:kinesis:us-east-1:111122223333:stream/clicks", "stream/clicks"), consumerName: fc.oneof(fc.constantFrom("reports", "re*"), name), consumerARN: fc.constant("arn:aws:kinesis:us-east-1:111122223333:stream/clicks/consumer/reports:1700000000") }, { requiredKeys: [] })],
  ["kinesis", "RegisterStreamConsumer", fc.record({ streamARN: fc.constant("arn:aws:kinesis:us-east-1:111122223333:stream/clicks"), consumerName: name })],
  ["cloudtrail", "StopLogging", fc.record({ name: fc.oneof(fc.constantFrom("org-trail", "arn:aws:cloudtrail:us-east-1:111122223333:trail/org-trail"), odd) })],
];
const TIMES = fc.oneof(
  { weight: 6, arbitrary: fc.integer({ min: Date.UTC(2026, 9, 1) / 1000, max: Date.UTC(2026, 10, 5) / 1000 }).map((s) => new Date(s * 1000).toISOString().replace(".000Z", "Z")) },
  { weight: 1, arbitrary: fc.constantFrom("2026-10-01 12:00:00", "2026-10-01T12:00:00.250Z", "2026-02-31T00:00:00Z", "2026-10-01T24:00:00Z", "1969-12-31T23:59:59Z", "yesterday", "2026-10-01T12:00:0\u00e9") },
);

/** One record as JSON text, possibly mutated at the text level. */
const recordText = fc
  .record({
    account: fc.constantFrom("111122223333", "444455556666"),
    roleArn: fc.constantFrom(...ROLES),
    session: fc.constantFrom(...SESSIONS),
    time: TIMES,
    call: fc.integer({ min: 0, max: CALLS.length - 1 }).chain((i) => (CALLS[i] as [string, string, fc.Arbitrary<object | null>])[2].map((p) => [i, p] as const)),
    seq: fc.integer({ min: 0, max: 40 }),
    region: fc.constantFrom("us-east-1", "eu-west-1", "cn-north-1"),
    invokedBy: fc.option(fc.constantFrom("lambda.amazonaws.com", "apigateway.amazonaws.com"), { nil: undefined }),
    // userIdentity.inScopeOf (record-fields.ts issuedToFunctionOf): a Lambda function's (two
    // regions), another issuer's, a wrong type, a partial one, non-ASCII; or none.
    scope: fc.option(
      fc.constantFrom<unknown>(
        { issuerType: "AWS::Lambda::Function", credentialsIssuedTo: "arn:aws:lambda:us-west-2:111122223333:function:orders-fn", credentialsIssuedToVersion: "arn:aws:lambda:us-west-2:111122223333:function:orders-fn:$LATEST" },
        { issuerType: "AWS::Lambda::Function", credentialsIssuedTo: "arn:aws:lambda:us-east-1:111122223333:function:orders-fn" },
        { credentialsIssuedTo: "arn:aws:lambda:us-east-1:111122223333:function:orders-fn", issuerType: "AWS::Lambda::Function" },
        { issuerType: "AWS::EC2::Instance", credentialsIssuedTo: "arn:aws:ec2:us-east-1:111122223333:instance/i-0123456789abcdef0" },
        { issuerType: "AWS::Lambda::Function", credentialsIssuedTo: 5 },
        { credentialsIssuedTo: "arn:aws:lambda:us-east-1:111122223333:function:orders-fn" },
        { issuerType: "AWS::Lambda::Function", credentialsIssuedTo: "arn:aws:lambda:us-east-1:111122223333:function:caf\u00e9" },
        {},
        "not an object",
      ),
      { nil: undefined },
    ),
    extra: fc.record(
      {
        errorCode: fc.oneof(fc.constantFrom("AccessDenied", "ThrottlingException", "AccessDeniedException", "KMS.AccessDeniedException", "KMSAccessDeniedException"), fc.constant(null)),
        // Read only with an errorCode; the forms AWS writes (denials.ts), odd text, a wrong type.
        errorMessage: fc.oneof(
          fc.constantFrom(
            "Access to KMS is not allowed",
            "User: arn:aws:sts::111122223333:assumed-role/shared/orders-fn is not authorized to perform: kms:Decrypt on resource: arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab because no identity-based policy allows the kms:Decrypt action",
            "User: arn:aws:sts::111122223333:assumed-role/shared/orders-fn is not authorized to perform: kms:GenerateDataKey on resource: arn:aws:kms:us-east-1:111122223333:key/k with an explicit deny",
            "User: arn:aws:sts::111122223333:assumed-role/shared/orders-fn is not authorized to perform: dynamodb:PutItem on resource: arn:aws:dynamodb:us-east-1:111122223333:table/orders because no identity-based policy allows the dynamodb:PutItem action",
            "User: x is not authorized to perform: s3:GetObject on resource: \"arn:aws:s3:::b/k\" with an explicit deny in a service control policy",
            "on resource: arn:aws:s3:::b/caf\u00e9.",
            "Access Denied",
          ),
          odd,
          fc.constant(5),
        ),
        eventType: fc.constantFrom("AwsApiCall", "AwsServiceEvent", 7),
        managementEvent: fc.constantFrom(true, false, "yes"),
        readOnly: fc.constantFrom(true, false, "true", null),
        eventCategory: fc.constantFrom("Data", "Management"),
        resources: fc.array(fc.record({ ARN: fc.oneof(fc.constantFrom("arn:aws:s3:::b/k", "arn:aws-us-gov:s3:::bucket/a/b.json", "arn:aws:s3:::bucket-only", "arn:aws:s3:::", "arn:aws:s3:us-east-1:111122223333:accesspoint/ap", "arn:aws:kms:us-east-1:111122223333:key/1"), odd, fc.constant(5)), type: fc.constant("AWS::S3::Object") }, { requiredKeys: [] }), { maxLength: 3 }),
        eventID: fc.oneof(fc.uuid(), fc.constant(42), fc.constant("id-\u00e9")),
        // One action sent to several accounts: the key the dedup uses instead of eventID; the
        // owner's copy (recipientAccountId not the caller's) is marked to be dropped first.
        sharedEventID: fc.oneof(fc.constantFrom("8424f6b6-2280-4d1d-b9fd-0348b1546cba", "0d9c5f7e-1111-4222-8333-444455556666"), fc.constant(7), fc.constant("sh-\u00e9"), fc.constant(null)),
        recipientAccountId: fc.constantFrom("222222222222", "111122223333", 5),
        userIdentity: fc.constantFrom("not an object", null),
      },
      { requiredKeys: [] },
    ),
    mutation: fc.constantFrom("none", "none", "none", "duplicate", "escapedKey", "indent", "reorder", "dropSource", "otherType", "noIssuer", "sharedTwice", "sharedThenNot", "duplicateInSet", "scopeTwice"),
  })
  .map((r) => {
    const [i, params] = r.call;
    const [source, callName] = CALLS[i] as [string, string, unknown];
    const rec = roleCallRecord({ account: r.account, roleArn: r.roleArn, session: r.session, time: r.time, source, name: callName, seq: r.seq, region: r.region, invokedBy: r.invokedBy, extra: { requestParameters: params, ...r.extra } }) as { [k: string]: unknown };
    const ui = rec.userIdentity;
    if (r.scope !== undefined && ui !== null && typeof ui === "object") (ui as { inScopeOf?: unknown }).inScopeOf = r.scope;
    switch (r.mutation) {
      case "scopeTwice":
        // Two inScopeOf keys: the later one wins, whole (an earlier one's values do not survive).
        return JSON.stringify(rec).replace('"sessionContext":', '"inScopeOf":{"issuerType":"AWS::Lambda::Function","credentialsIssuedTo":"arn:aws:lambda:eu-west-1:111122223333:function:orders-fn"},"sessionContext":');
      case "duplicate":
        // A later duplicate key wins, as with JSON.parse.
        return JSON.stringify(rec).replace(/}$/, ',"eventName":"Overridden","requestParameters":{"tableName":"dup"}}');
      case "sharedTwice":
        // Duplicate keys, per key: the last sharedEventID wins, eventID stays.
        return JSON.stringify(rec).replace(/}$/, ',"sharedEventID":"a7c3e1f0-5555-4666-8777-888899990000"}');
      case "sharedThenNot":
        return JSON.stringify({ ...rec, sharedEventID: "a7c3e1f0-5555-4666-8777-888899990000" }).replace(/}$/, ',"sharedEventID":false}');
      case "duplicateInSet":
        return duplicateInSet(JSON.stringify(rec));
      case "escapedKey":
        return JSON.stringify(rec).replace('"eventSource"', '"event\\u0053ource"');
      case "indent":
        return JSON.stringify(rec, null, 2);
      case "reorder":
        return JSON.stringify(Object.fromEntries(Object.entries(rec).reverse()));
      case "dropSource":
        delete rec.eventSource;
        return JSON.stringify(rec);
      case "otherType": {
        // Not a role session, though it has a session-like principalId and an issuer.
        const ui = rec.userIdentity as { type?: unknown } | null;
        if (ui !== null && typeof ui === "object") ui.type = "FederatedUser";
        return JSON.stringify(rec);
      }
      case "noIssuer": {
        // The role from the STS ARN (without its path), as sessionOf falls back to.
        const ui = rec.userIdentity as { sessionContext?: { sessionIssuer?: { arn?: unknown } } } | null;
        if (ui !== null && typeof ui === "object") delete ui.sessionContext?.sessionIssuer?.arn;
        return JSON.stringify(rec);
      }
      default:
        return JSON.stringify(rec);
    }
  });

const file = fc.tuple(fc.array(fc.oneof({ weight: 12, arbitrary: recordText }, { weight: 1, arbitrary: fc.constantFrom("7", '"str"', "null") }), { maxLength: 12 }), fc.boolean()).map(([recs, wrapped]) => {
  const body = `[${recs.join(",")}]`;
  return Buffer.from(wrapped ? `{"Records":${body}}` : body, "utf8");
});

function read(data: Buffer, options: ReadFileOptions): FilePartial {
  const acc = new FileAccumulator("f.json");
  readDecoded(data, acc, { partial: acc.finish(), accessAdvisor: [], accessAnalyzer: [], trails: [] }, options);
  return acc.finish();
}

/** The partial without what legitimately differs between a scanner and JSON.parse (where a warning points). */
function counted(p: FilePartial): object {
  const { warnings, fingerprints, ...rest } = p;
  return { ...rest, fingerprints: Array.from(fingerprints), warnings: warnings.length };
}

function viaScanner(sc: WasmScanner, data: Buffer): FilePartial {
  const acc = new FileAccumulator("f.json");
  const outcome = sc.scan(data, {
    compact: (c, r, index) => acc.addCompact(c, r, index),
    event: (ev, index) => acc.add(ev, index),
    skipped: (index, offset, reason) => acc.skip(`Records[${index}] (byte ${offset})`, reason),
  });
  acc.format = outcome === null ? "unknown" : outcome.format === "records" ? "cloudtrail-s3" : "cloudtrail-array";
  return acc.finish();
}

describe("WebAssembly scanner ≡ JSON.parse ≡ JavaScript scanner", () => {
  it("the module's slot positions are the ones the host reads", () => {
    const { STRIDE, MAX_SYMBOLS, ...positions } = slots;
    expect(new WasmScanner().slotConstants()).toEqual({ STRIDE, MAX_SYMBOLS, ...positions });
  });

  it("accumulates any file of role-session records like both references", () => {
    // Not vacuous: the files give groups, resources, slow records (escapes) and skipped records.
    // 1200 files: with the ECS, Batch and Glue calls among CALLS, 400 gave too few files whose management events of one account have every kind of readOnly (the last bar; 1200 give 15).
    const sample = fc.sample(file, { numRuns: 1200, seed: 7 }).map((d) => read(d, {}));
    expect(sample.filter((p) => p.groups.some((g) => g.resources.length > 0)).length).toBeGreaterThan(20);
    expect(sample.filter((p) => p.principals.some((q) => q.sessionName === "caf\u00e9-fn")).length).toBeGreaterThan(5);
    expect(sample.filter((p) => p.skipped > 0).length).toBeGreaterThan(20);
    // …and sessions scoped to a function (inScopeOf), of both regions, beside unscoped ones.
    for (const region of ["us-west-2", "us-east-1", "eu-west-1"]) expect(sample.filter((p) => p.principals.some((q) => q.functionArn?.includes(`:${region}:`) === true)).length).toBeGreaterThan(2);
    expect(sample.filter((p) => p.principals.some((q) => q.functionArn === null)).length).toBeGreaterThan(20);
    // …and calls keyed by sharedEventID, owners' copies (marked late) among them.
    expect(sample.filter((p) => Array.from(p.fingerprints).some((v, i) => i % 4 === 2 && v >= LATE_COPY)).length).toBeGreaterThan(5);
    // …and management events with readOnly true, false and absent or not a boolean.
    expect(sample.filter((p) => p.management.some((m) => m.reads > 0 && m.flagged > m.reads && m.events > m.flagged)).length).toBeGreaterThan(5);
    fc.assert(
      fc.property(file, (data) => {
        const wasm = read(data, {});
        expect(wasm).toEqual(read(data, { fastScan: "js" }));
        expect(counted(wasm)).toEqual(counted(read(data, { fastScan: false })));
      }),
      { numRuns: 300 },
    );
  });

  it("reads EC2 sets like both references, duplicate keys and odd items included", () => {
    // The files above hold few EC2 calls that succeed: these hold only them (event.ts SET_PARAM_KEYS).
    const ec2 = fc
      .array(
        fc.record({
          seq: fc.integer({ min: 0, max: 40 }),
          call: fc.oneof(
            ec2Set("instanceId", ["i-0abc123", "i-0def456"]).map((set): [string, object] => ["StopInstances", { instancesSet: set, force: false }]),
            ec2Set("resourceId", ["sg-11bbcc22", "i-0abc123", "snap-066877671789bd71b"]).map((set): [string, object] => ["CreateTags", { resourcesSet: set, tagSet: { items: [{ key: "Name", value: "web" }] } }]),
          ),
          mutation: fc.constantFrom("none", "none", "duplicateInSet", "indent"),
        }),
        { maxLength: 8 },
      )
      .map((recs) => {
        const texts = recs.map(({ seq, call: [callName, requestParameters], mutation }) => {
          const rec = roleCallRecord({ account: "111122223333", roleArn: ROLES[0] as string, session: "scheduler-fn", time: "2026-10-02T08:00:00Z", source: "ec2", name: callName, seq, extra: { requestParameters } });
          return mutation === "indent" ? JSON.stringify(rec, null, 2) : mutation === "duplicateInSet" ? duplicateInSet(JSON.stringify(rec)) : JSON.stringify(rec);
        });
        return Buffer.from(`{"Records":[${texts.join(",")}]}`, "utf8");
      });
    const named = (type: string) => fc.sample(ec2, { numRuns: 300, seed: 11 }).filter((d) => read(d, {}).groups.some((g) => g.resources.some((r) => r.includes(`:${type}/`)))).length;
    // Not vacuous: files whose sets named instances, security groups and snapshots (an ARN without account).
    expect([named("instance"), named("security-group"), named("snapshot")].every((n) => n > 20)).toBe(true);
    fc.assert(
      fc.property(ec2, (data) => {
        const wasm = read(data, {});
        expect(wasm).toEqual(read(data, { fastScan: "js" }));
        expect(counted(wasm)).toEqual(counted(read(data, { fastScan: false })));
      }),
      { numRuns: 300 },
    );
  });

  it("folds a role's Lambda service sessions into one principal, and only AssumedRole ones", () => {
    // The first service session of a role takes the whole path; later ones the short one
    // (FileAccumulator.serviceSession), which must agree with it on every field that decides.
    const role = ROLES[0] as string;
    const call = (session: string, seq: number, edit?: (ui: { type: string; sessionContext: { sessionIssuer: { arn?: string } } }) => void, invokedBy?: string) => {
      const rec = roleCallRecord({ account: "111122223333", roleArn: role, session, time: "2026-10-02T10:00:00Z", source: "sqs", name: "ReceiveMessage", seq, ...(invokedBy === undefined ? {} : { invokedBy }) }) as { userIdentity: never };
      edit?.(rec.userIdentity);
      return rec;
    };
    const records = [
      call("awslambda_1_20261002100000000", 1),
      call("awslambda_2_20261002100000000", 2, undefined, "lambda.amazonaws.com"),
      call("awslambda_3_20261002100000000", 3, (ui) => (ui.type = "FederatedUser")),
      call("awslambda_4_20261002100000000", 4, (ui) => delete ui.sessionContext.sessionIssuer.arn),
      call("orders-fn", 5),
      call("awslambda_1_20261002100000000", 6),
    ];
    const data = Buffer.from(JSON.stringify({ Records: records }));
    const wasm = read(data, {});
    expect(counted(wasm)).toEqual(counted(read(data, { fastScan: false })));
    expect(wasm.principals.map((p) => [p.roleArn, p.sessionName, p.invokedBy, p.sessionFingerprints])).toEqual([
      // The smallest invokedBy of its sessions (null is none).
      [role, "awslambda_*", "lambda.amazonaws.com", ["awslambda_1_20261002100000000", "awslambda_2_20261002100000000"].map((n) => fingerprint52(n)).sort((a, b) => a - b)],
      ["arn:aws:iam::111122223333:role/orders-role", "awslambda_*", null, [fingerprint52("awslambda_4_20261002100000000")]],
      [role, "orders-fn", null, null],
    ]);
  });

  it("gives the same partial when symbols are cleared every few records", () => {
    const sc = new WasmScanner(scannerModule(), { symbolBudget: 4, flushEvery: 3 });
    fc.assert(
      fc.property(fc.array(file, { minLength: 1, maxLength: 3 }), (files) => {
        // One scanner across files, as in a worker: ids of an earlier epoch must not leak. (A bare
        // array whose first element is not a record never reaches a scanner: see readDecoded.)
        for (const data of files.filter((d) => d[0] !== 0x5b || arrayStartsWithRecord(d))) expect(counted(viaScanner(sc, data))).toEqual(counted(read(data, { fastScan: false })));
      }),
      { numRuns: 150 },
    );
  });

  it("on any truncation reports what the JavaScript scanner reports", () => {
    fc.assert(
      fc.property(file, fc.nat(), (data, cut) => {
        const part = data.subarray(0, data.length === 0 ? 0 : cut % data.length);
        expect(read(part, {})).toEqual(read(part, { fastScan: "js" }));
      }),
      { numRuns: 300 },
    );
  });

  it("inflates gzip files into the scanner's memory with the same result, damaged ones included", () => {
    const dir = mkdtempSync(join(tmpdir(), "leastrole-wasm-gz-"));
    try {
      fc.assert(
        fc.property(file, fc.nat(), (data, cut) => {
          const gz = gzipSync(data);
          const whole = join(dir, "whole.json.gz");
          const damaged = join(dir, "damaged.json.gz");
          writeFileSync(whole, gz);
          writeFileSync(damaged, gz.subarray(0, 10 + (cut % Math.max(1, gz.length - 10))));
          for (const path of [whole, damaged]) expect(readUsageFile(path, {})).toEqual(readUsageFile(path, { fastScan: "js" }));
        }),
        { numRuns: 100 },
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("reads every CloudTrail file of the corpus like the JavaScript scanner", () => {
    for (const f of corpusFiles()) {
      const data = readFileSync(f);
      expect(read(data, {}), f).toEqual(read(data, { fastScan: "js" }));
    }
  });
});
