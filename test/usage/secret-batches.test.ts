/**
 * Secrets Manager's BatchGetSecretValue (src/usage/secret-batches.ts): by filters it needs
 * secretsmanager:ListSecrets too, which CloudTrail does not log apart; by a list of secret ids it
 * does not. The expectation is AWS's, not leastrole's output: the API reference
 * (https://docs.aws.amazon.com/secretsmanager/latest/apireference/API_BatchGetSecretValue.html),
 * "Required permissions: secretsmanager:BatchGetSecretValue, and you must have
 * secretsmanager:GetSecretValue for each secret. If you use filters, you must also have
 * secretsmanager:ListSecrets."
 *
 * The records are published ones (test/usage/fixtures/secret-batches/SOURCE.md): a Stratus Red Team
 * detonation's call by filters and Elastic's test call by secret ids, each made a Lambda function's.
 */
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { generatePolicy } from "../../src/generate/index.js";
import { emptyRoleFacts, loadActionCatalogSync } from "../../src/iam/index.js";
import type { PolicyDocument } from "../../src/model/document.js";
import { eventToActions } from "../../src/usage/event-actions.js";
import { labelUsage, readUsage } from "../../src/usage/index.js";
import { secretBatchEventName } from "../../src/usage/secret-batches.js";
import { athenaRows, writeRows } from "../support/athena-rows.js";
import { document, lambdaFunction, role } from "../generate/fixtures.js";

const FIXTURE = join(__dirname, "fixtures/secret-batches/records.json");
const ACCOUNT = "165109126369";
const ROLE = `arn:aws:iam::${ACCOUNT}:role/service-role/secrets-reader-role`;
const SM = "secretsmanager.amazonaws.com";
const BOTH = ["secretsmanager:BatchGetSecretValue", "secretsmanager:ListSecrets"];

type Rec = { eventSource: string; eventName: string; eventTime: string; userIdentity: { arn: string }; requestParameters: unknown };
const published = JSON.parse(readFileSync(FIXTURE, "utf8")) as Rec[];
const bySession = (session: string): Rec => published.find((r) => r.userIdentity.arn.endsWith(`/${session}`)) as Rec;

/** Per session: action → calls, from `path` read with `fastScan` (undefined: the WebAssembly scanner). */
async function actionsOf(path: string, fastScan?: "js" | false): Promise<{ [session: string]: { [action: string]: number } }> {
  const u = await readUsage([path], { workers: 1, fastScan });
  expect(u.warnings).toEqual([]);
  return Object.fromEntries(u.sessions.map((s) => [s.sessionName, Object.fromEntries(s.actions.map((a) => [a.action, a.count]))]));
}

describe("BatchGetSecretValue: ListSecrets when it selects by filters", () => {
  it("reads the published requests: filters, secret ids; neither, another call or service: null", () => {
    const filters = bySession("batch-by-filters");
    const ids = bySession("batch-by-ids");
    expect(secretBatchEventName(filters.eventSource, filters.eventName, filters.requestParameters)).toBe("BatchGetSecretValue (filters)");
    expect(secretBatchEventName(ids.eventSource, ids.eventName, ids.requestParameters)).toBe("BatchGetSecretValue (secret ids)");
    // Both given (the API takes one or the other; a request with filters needs ListSecrets whatever else it names).
    expect(secretBatchEventName(SM, "BatchGetSecretValue", { filters: [{ key: "name", values: ["prod/"] }], secretIdList: ["a"] })).toBe("BatchGetSecretValue (filters)");
    for (const [source, name, rp] of [
      [SM, "BatchGetSecretValue", null],
      [SM, "BatchGetSecretValue", {}],
      [SM, "BatchGetSecretValue", { filters: [] }],
      [SM, "BatchGetSecretValue", { filters: "***" }],
      [SM, "BatchGetSecretValue", { secretIdList: [] }],
      [SM, "GetSecretValue", { secretId: "a", filters: [{ key: "name", values: ["a"] }] }],
      ["ssm.amazonaws.com", "BatchGetSecretValue", { filters: [{ key: "name", values: ["a"] }] }],
    ] as const) expect(secretBatchEventName(source, name, rp), `${source} ${name} ${JSON.stringify(rp)}`).toBeNull();
  });

  it("maps each to the actions it needs; a call whose request was not read keeps both (the safe direction)", () => {
    expect(eventToActions(SM, "BatchGetSecretValue (filters)").actions).toEqual(BOTH);
    expect(eventToActions(SM, "BatchGetSecretValue (secret ids)").actions).toEqual(["secretsmanager:BatchGetSecretValue"]);
    // Before: BatchGetSecretValue alone, whatever the request.
    expect(eventToActions(SM, "BatchGetSecretValue").actions).toEqual(BOTH);
  });

  it("counts the call by filters under both actions, by secret ids under BatchGetSecretValue alone, in every record reader", async () => {
    const want = { "batch-by-filters": Object.fromEntries(BOTH.map((a) => [a, 1])), "batch-by-ids": { "secretsmanager:BatchGetSecretValue": 1 } };
    // Before: BatchGetSecretValue alone for both functions.
    expect(await actionsOf(FIXTURE)).toEqual(want);
    for (const fastScan of ["js", false] as const) expect(await actionsOf(FIXTURE, fastScan), String(fastScan)).toEqual(want);
  });

  it("the Athena query's rows, which do not carry the request's lists, count both actions for either call", async () => {
    // The S3 delivery's shape, which the query's table reads (the fixture is Stratus's bare array).
    const dir = mkdtempSync(join(tmpdir(), "leastrole-secret-batches-rows-"));
    writeFileSync(join(dir, "records.json"), JSON.stringify({ Records: published }));
    const rows = writeRows(dir, await athenaRows(join(dir, "records.json")));
    for (const p of [rows.json, rows.csv]) {
      expect(await actionsOf(p), p).toEqual({ "batch-by-filters": Object.fromEntries(BOTH.map((a) => [a, 1])), "batch-by-ids": Object.fromEntries(BOTH.map((a) => [a, 1])) });
    }
  });

  // The two functions of the role, in its account, and a role granting both actions and each secret's GetSecretValue.
  const GRANTED = [...BOTH, "secretsmanager:GetSecretValue"];
  async function labelled(): Promise<{ doc: ReturnType<typeof document>; arns: { [fn: string]: string } }> {
    const fns = ["batch-by-filters", "batch-by-ids"].map((name) => lambdaFunction(name, ROLE, { arn: `arn:aws:lambda:us-east-1:${ACCOUNT}:function:${name}`, accountId: ACCOUNT, lastModified: "2024-01-01T00:00:00Z" }));
    const grant: PolicyDocument = { Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: GRANTED, Resource: ["*"] }] };
    const r = { ...role(ROLE, fns.map((f) => f.arn), [{ name: "secrets", document: grant }]), accountId: ACCOUNT, createDate: "2024-01-01T00:00:00Z" };
    r.facts = { ...emptyRoleFacts(), allowedActions: GRANTED, allowedActionCount: GRANTED.length };
    const doc = document(fns, [r]);
    // One IAM user's call in us-east-1 per day from 2024-07-03 to 2024-10-31: the logs cover the window.
    const days = Array.from({ length: 121 }, (_, d) => new Date(Date.UTC(2024, 6, 3 + d)).toISOString().slice(0, 10));
    const background = days.map((day, d) => ({ eventVersion: "1.08", userIdentity: { type: "IAMUser", principalId: "AIDAEXAMPLEBACKGROUND", arn: `arn:aws:iam::${ACCOUNT}:user/ops`, accountId: ACCOUNT, userName: "ops" }, eventTime: `${day}T08:00:00Z`, eventSource: "iam.amazonaws.com", eventName: "ListRoles", awsRegion: "us-east-1", eventID: `bg-${d}`, eventType: "AwsApiCall", recipientAccountId: ACCOUNT }));
    const path = join(mkdtempSync(join(tmpdir(), "leastrole-secret-batches-")), "records.json");
    writeFileSync(path, JSON.stringify({ Records: [...published, ...background] }));
    doc.usage = labelUsage(await readUsage([path], { workers: 1 }), doc, { asOf: "2024-11-01T00:00:00Z", windowDays: 120 });
    return { doc, arns: Object.fromEntries(fns.map((f) => [f.name, f.arn])) };
  }

  it("labels: ListSecrets is used by the function that reads by filters, unused by the one that names its secrets", async () => {
    const { doc, arns } = await labelled();
    const labels = (fn: string): { [action: string]: string } => Object.fromEntries((doc.usage.labels.find((l) => l.functionArn === arns[fn])?.permissions ?? []).map((p) => [p.action, p.label]));
    // Before: unused for both, and LR008 and generate dropped what the filtered read needs.
    expect(labels("batch-by-filters")).toMatchObject({ "secretsmanager:BatchGetSecretValue": "used", "secretsmanager:ListSecrets": "used" });
    expect(labels("batch-by-ids")).toMatchObject({ "secretsmanager:BatchGetSecretValue": "used", "secretsmanager:ListSecrets": "unused" });
  });

  it("generate: the policy of the function that reads by filters allows ListSecrets", async () => {
    const { doc, arns } = await labelled();
    const actionsIn = (fn: string): string[] => generatePolicy(doc, arns[fn] as string, {}, loadActionCatalogSync()).policy.Statement.flatMap((s) => (Array.isArray(s.Action) ? s.Action : s.Action === undefined ? [] : [s.Action]));
    expect(actionsIn("batch-by-filters")).toEqual(expect.arrayContaining(BOTH));
    expect(actionsIn("batch-by-ids")).not.toContain("secretsmanager:ListSecrets");
  });
});
