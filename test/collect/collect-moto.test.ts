/**
 * collect against moto's server mode (real HTTP, real SDK, no mocks): seeded through the SDK,
 * collected, then read back by the source readers, normalised and audited.
 */

import { spawnSync } from "node:child_process";
import { createServer, type AddressInfo } from "node:net";
import { existsSync, mkdirSync, readFileSync, unlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { GetAccountAuthorizationDetailsCommand, IAMClient } from "@aws-sdk/client-iam";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { auditDocument } from "../../src/audit/audit-document.js";
import { buildDocument } from "../../src/audit/build-document.js";
import { collect, CollectError, type CollectManifest, type CollectOptions, type CollectProgress } from "../../src/collect/index.js";
import { summarisedReasons } from "../../src/collect/manifest.js";
import { normalize } from "../../src/audit/normalize-paths.js";
import { startFaultProxy, type FaultRule } from "./support/fault-proxy.js";
import { startMoto, TEST_CREDENTIALS, type MotoServer } from "./support/moto.js";
import { filesUnder, json, outDirs } from "./support/out-dirs.js";
import { ACCOUNT, SECRET_VALUES, seedAccount, seedRegionalRoles, seedTrailBucket, trailObject, trailRecord, TRAIL_BUCKET, type Seeded } from "./support/seed.js";

let moto: MotoServer;
let seeded: Seeded;
const { outDir, removeAll } = outDirs("leastrole-collect-");
const WINDOW = { since: "2026-01-10", until: new Date("2026-01-20T00:00:00Z") };
const trailFiles = {
  inWindow: trailObject("team/", "us-east-1", "2026-01-15T10:05", "AAAAAAAAAAAAAAAA", [
    trailRecord("2026-01-15T10:01:00Z", "GetItem", "1"),
    trailRecord("2026-01-15T10:02:00Z", "PutItem", "2"),
  ]),
  inWindowEu: trailObject("team/", "eu-west-1", "2026-01-19T23:55", "BBBBBBBBBBBBBBBB", [trailRecord("2026-01-19T23:50:00Z", "Query", "3")]),
  tooOld: trailObject("team/", "us-east-1", "2025-06-01T00:00", "CCCCCCCCCCCCCCCC", [trailRecord("2025-06-01T00:00:00Z", "Scan", "4")]),
};
const digestKey = `team/AWSLogs/${ACCOUNT}/CloudTrail-Digest/us-east-1/2026/01/15/${ACCOUNT}_CloudTrail-Digest_us-east-1_trail_us-east-1_20260115T100500Z.json.gz`;

const base = (endpoint: string): Omit<CollectOptions, "out"> => ({ endpoint, credentials: TEST_CREDENTIALS, throttleBaseMs: 1 });

beforeAll(async () => {
  moto = startMoto();
  seeded = await seedAccount(moto.endpoint);
  await seedTrailBucket(moto.endpoint, [
    trailFiles.inWindow,
    trailFiles.inWindowEu,
    trailFiles.tooOld,
    { key: digestKey, body: Buffer.from("{}") },
  ]);
});

afterAll(() => {
  moto?.stop();
  removeAll();
});

describe("collect from moto", () => {
  let out: string;
  let manifest: CollectManifest;
  const progress: CollectProgress[] = [];

  beforeAll(async () => {
    out = outDir();
    const result = await collect({
      ...base(moto.endpoint),
      out,
      regions: ["us-east-1", "eu-west-1"],
      accessAdvisor: true,
      accessAnalyzer: true,
      cloudtrail: `s3://${TRAIL_BUCKET}/team/`,
      ...WINDOW,
      pollIntervalMs: 10,
      onProgress: (e) => progress.push(e),
    });
    manifest = result.manifest;
    expect(result.manifestPath).toBe(join(out, "manifest.json"));
  });

  it("writes exactly the files audit reads, the trail's in-window log files and the manifest", () => {
    const s3 = `cloudtrail/s3/${TRAIL_BUCKET}`;
    expect(filesUnder(out)).toEqual(
      [
        "config/eu-west-1/describe-config-rules.json",
        "config/us-east-1/describe-config-rules.json",
        "iam/get-account-authorization-details.json",
        "lambda/eu-west-1/list-event-source-mappings.json",
        "lambda/eu-west-1/list-functions.json",
        "lambda/eu-west-1/list-layers.json",
        "lambda/eu-west-1/list-tags/eu-helper.json",
        "lambda/us-east-1/get-function-event-invoke-config/report-generator.json",
        "lambda/us-east-1/get-function-url-config/report-generator.json",
        "lambda/us-east-1/get-policy/report-generator.json",
        "lambda/us-east-1/list-event-source-mappings.json",
        "lambda/us-east-1/list-functions.json",
        "lambda/us-east-1/list-layers.json",
        "lambda/us-east-1/list-tags/orders-processor.json",
        "lambda/us-east-1/list-tags/report-generator.json",
        "manifest.json",
        `${s3}/${trailFiles.inWindow.key}`,
        `${s3}/${trailFiles.inWindowEu.key}`,
      ].sort(),
    );
    // Log files are copied byte for byte (gzip as delivered).
    expect(readFileSync(join(out, s3, trailFiles.inWindow.key))).toEqual(trailFiles.inWindow.body);
  });

  it("merges IAM pages and writes policy documents as objects, as the AWS CLI does", async () => {
    // The JS SDK hands documents on as strings. Real IAM URL-encodes them; moto 5.2.5 sends plain
    // JSON (a moto quirk), so the URL-encoded path is covered by collect-units.test.ts instead.
    const iam = new IAMClient({ endpoint: moto.endpoint, credentials: TEST_CREDENTIALS, region: "us-east-1" });
    const raw = await iam.send(new GetAccountAuthorizationDetailsCommand({}));
    iam.destroy();
    const rawTrust = raw.RoleDetailList?.find((r) => r.RoleName === "orders-fn-role")?.AssumeRolePolicyDocument;
    expect(typeof rawTrust).toBe("string");
    expect(rawTrust).toMatch(/^(%7B|\{)/);

    const details = json(out, "iam/get-account-authorization-details.json");
    expect(Object.keys(details)).toEqual(["UserDetailList", "GroupDetailList", "RoleDetailList", "Policies"]);
    expect(details.RoleDetailList.map((r: any) => r.Arn)).toEqual([seeded.roles.ci, seeded.roles.report, seeded.roles.orders].sort());
    const orders = details.RoleDetailList.find((r: any) => r.RoleName === "orders-fn-role");
    expect(orders.Path).toBe("/service-role/");
    expect(orders.AssumeRolePolicyDocument.Statement[0].Principal.Service).toBe("lambda.amazonaws.com");
    expect(orders.RolePolicyList).toHaveLength(1);
    expect(orders.RolePolicyList[0].PolicyName).toBe("orders-inline");
    expect(orders.RolePolicyList[0].PolicyDocument.Statement[0]).toEqual({ Sid: "Tables", Effect: "Allow", Action: "dynamodb:*", Resource: "*" });
    expect(orders.AttachedManagedPolicies.map((p: any) => p.PolicyArn).sort()).toEqual([
      "arn:aws:iam::123456789012:policy/orders-read-bucket",
      "arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole",
    ]);
    // moto 5.2.5 leaves PolicyName/PolicyId out of ManagedPolicyDetail (real IAM sends them): find by ARN.
    const customer = details.Policies.find((p: any) => p.Arn === `arn:aws:iam::${ACCOUNT}:policy/orders-read-bucket`);
    expect(customer.PolicyVersionList[0].Document.Statement[0].Action).toEqual(["s3:GetObject"]);
    // Every document in the file is an object now.
    const docs = [
      ...details.RoleDetailList.flatMap((r: any) => [r.AssumeRolePolicyDocument, ...r.RolePolicyList.map((p: any) => p.PolicyDocument)]),
      ...details.Policies.flatMap((p: any) => p.PolicyVersionList.map((v: any) => v.Document)),
    ];
    expect(docs.length).toBeGreaterThan(4);
    for (const d of docs) expect(typeof d).toBe("object");
  });

  it("lists functions with all versions, keeps configuration and redacts every environment variable value", () => {
    const fns = json(out, "lambda/us-east-1/list-functions.json").Functions;
    expect(fns.map((f: any) => f.FunctionArn)).toEqual([
      `arn:aws:lambda:us-east-1:${ACCOUNT}:function:orders-processor:$LATEST`,
      `arn:aws:lambda:us-east-1:${ACCOUNT}:function:orders-processor:1`,
      `arn:aws:lambda:us-east-1:${ACCOUNT}:function:report-generator:$LATEST`,
    ]);
    const latest = fns.find((f: any) => f.FunctionName === "orders-processor" && f.Version === "$LATEST");
    expect(latest.Role).toBe(seeded.roles.orders);
    expect(latest.VpcConfig.SubnetIds).toEqual([seeded.subnet]);
    expect(latest.TracingConfig).toEqual({ Mode: "Active" });
    // moto 5.2.5 accepts DeadLetterConfig but does not return it (real Lambda does); nothing to assert here.
    expect(latest.Environment.Variables).toEqual({ AWS_SECRET_LIKE: "", DB_PASSWORD: "", TABLE: "" });
    const version = fns.find((f: any) => f.FunctionName === "orders-processor" && f.Version === "1");
    expect(version.Environment.Variables).toEqual({ AWS_SECRET_LIKE: "", DB_PASSWORD: "", TABLE: "" });
    expect(json(out, "lambda/eu-west-1/list-functions.json").Functions.map((f: any) => f.FunctionName)).toEqual(["eu-helper"]);
  });

  it("writes no environment variable value anywhere (files and manifest)", () => {
    const everything = filesUnder(out).map((f) => readFileSync(join(out, f), "latin1")).join("\n");
    for (const secret of SECRET_VALUES) expect(everything).not.toContain(secret);
    expect(everything).toContain("DB_PASSWORD");
  });

  it("writes triggers, the URL, the resource policy, destinations and tags in the AWS CLI's shapes", () => {
    const esm = json(out, "lambda/us-east-1/list-event-source-mappings.json").EventSourceMappings;
    expect(esm).toHaveLength(1);
    expect(esm[0].EventSourceArn).toBe(seeded.ordersQueue);
    expect(esm[0].FunctionArn).toMatch(/:function:orders-processor/);
    expect(json(out, "lambda/eu-west-1/list-event-source-mappings.json")).toEqual({ EventSourceMappings: [] });

    const url = json(out, "lambda/us-east-1/get-function-url-config/report-generator.json");
    expect(url.AuthType).toBe("NONE");
    expect(url.FunctionUrl).toMatch(/^https:\/\/.+\.lambda-url\.us-east-1\.on\.aws/);
    expect(url).not.toHaveProperty("$metadata");

    const policy = json(out, "lambda/us-east-1/get-policy/report-generator.json");
    expect(Object.keys(policy).sort()).toEqual(["Policy", "RevisionId"]);
    expect(typeof policy.Policy).toBe("string"); // kept as AWS returns it: a JSON document in a string
    const statement = JSON.parse(policy.Policy).Statement[0];
    expect([statement.Action, statement.Principal]).toEqual(["lambda:InvokeFunctionUrl", "*"]);

    expect(json(out, "lambda/us-east-1/get-function-event-invoke-config/report-generator.json").DestinationConfig).toEqual({
      OnFailure: { Destination: seeded.failureQueue },
    });
    expect(json(out, "lambda/us-east-1/list-tags/orders-processor.json")).toEqual({ Tags: { "leastrole:suppress": "LR001", team: "payments" } });
    expect(json(out, "lambda/us-east-1/list-tags/report-generator.json")).toEqual({ Tags: {} });
  });

  it("the CLI's collect prints no AWS SDK Node version warning, which the SDK gives on Node < 22, unless the user asks for it", () => {
    const cli = join(import.meta.dirname, "../../dist/cli.js");
    if (!existsSync(cli)) throw new Error("build first: npm run build");
    const env: NodeJS.ProcessEnv = { ...process.env, AWS_ACCESS_KEY_ID: TEST_CREDENTIALS.accessKeyId, AWS_SECRET_ACCESS_KEY: TEST_CREDENTIALS.secretAccessKey, AWS_REGION: "us-east-1", AWS_PROFILE: "", NO_COLOR: "1" };
    delete env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED;
    const warning = /NodeVersionSupportWarning|The AWS SDK for JavaScript \(v3\)/;
    const warns = Number(process.versions.node.split(".")[0]) < 22;
    // The warning this is about: a bare client made in a plain Node process prints it (Node < 22).
    const bare = spawnSync(process.execPath, ["-e", "const { STSClient } = require('@aws-sdk/client-sts'); new STSClient({ region: 'us-east-1' });"], { cwd: join(import.meta.dirname, "../.."), env, encoding: "utf8" });
    expect(bare.status, bare.stderr).toBe(0);
    if (warns) expect(bare.stderr).toMatch(warning);
    const run = (extra: NodeJS.ProcessEnv) =>
      spawnSync(process.execPath, [cli, "collect", "--out", outDir(), "--regions", "us-east-1", "--endpoint", moto.endpoint], { env: { ...env, ...extra }, encoding: "utf8", timeout: 120_000 });
    const r = run({});
    // moto lacks some of the APIs collect calls (recorded as failed): a partial collection, exit 1.
    expect([0, 1], r.stderr).toContain(r.status);
    expect(r.stderr).toMatch(/lambda:ListFunctions \[us-east-1\]: ok/);
    expect(r.stderr).not.toMatch(warning);
    // The user's own setting wins: false shows it again.
    if (warns) expect(run({ AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "false" }).stderr).toMatch(warning);
  });

  it("the CLI's summary says what to run next on the folder, as the user named it (found by the collect review: it repeated the manifest's path)", () => {
    const cli = join(import.meta.dirname, "../../dist/cli.js");
    const parent = outDir();
    const env: NodeJS.ProcessEnv = { ...process.env, AWS_ACCESS_KEY_ID: TEST_CREDENTIALS.accessKeyId, AWS_SECRET_ACCESS_KEY: TEST_CREDENTIALS.secretAccessKey, AWS_REGION: "us-east-1", AWS_PROFILE: "", NO_COLOR: "1" };
    for (const [folder, shown] of [
      ["acme-2026", "acme-2026"],
      ["acme 2026's", "'acme 2026'\\''s'"],
    ] as const) {
      mkdirSync(parent, { recursive: true });
      const r = spawnSync(process.execPath, [cli, "collect", "--out", folder, "--regions", "us-east-1", "--endpoint", moto.endpoint], { cwd: parent, env, encoding: "utf8", timeout: 120_000 });
      expect([0, 1], r.stderr).toContain(r.status);
      expect(r.stderr).toContain(`leastrole: wrote ${join(parent, folder)}; next: leastrole audit ${shown}\n`);
      // Per-function calls are summed up (src/cli/collect-progress.ts): the first ListTags is shown, the other counted.
      expect(r.stderr.split("\n").filter((l) => l.startsWith("leastrole: lambda:ListTags "))).toHaveLength(1);
      expect(r.stderr).toMatch(/^leastrole: {3}… and \d+ more call\(s\): .*lambda:ListTags 1 ok/m);
      // The line is a command: the shell reads the quoted name back as the folder.
      const echoed = spawnSync("sh", ["-c", `printf %s ${shown}`], { encoding: "utf8" });
      expect(echoed.stdout).toBe(folder);
    }
  });

  it("records every call in the manifest: ok, absent, and what moto does not implement as failed", () => {
    expect(manifest.kind).toBe("leastrole-collect-manifest");
    expect(manifest.account).toEqual({ id: ACCOUNT, arn: expect.stringMatching(/^arn:aws:(iam|sts)::123456789012:/), partition: "aws" });
    expect(manifest.tool.version).toBe(JSON.parse(readFileSync("package.json", "utf8")).version);
    expect(manifest.options.regions).toEqual(["eu-west-1", "us-east-1"]);
    expect(manifest.options.window).toEqual({ start: "2026-01-10T00:00:00.000Z", end: "2026-01-20T00:00:00.000Z" });
    const ids = manifest.calls.map((c) => c.id);
    expect(ids).toEqual([...ids].sort());
    expect(new Set(ids).size).toBe(ids.length);
    const byId = new Map(manifest.calls.map((c) => [c.id, c]));
    const ok = (id: string) => expect(byId.get(id)?.status, id).toBe("ok");
    ok("global/sts:GetCallerIdentity");
    ok("global/iam:GetAccountAuthorizationDetails");
    for (const region of ["us-east-1", "eu-west-1"]) {
      ok(`${region}/lambda:ListFunctions`);
      ok(`${region}/lambda:ListEventSourceMappings`);
    }
    expect(byId.get("global/iam:GetAccountAuthorizationDetails")?.count).toBe(3);
    expect(byId.get("us-east-1/lambda:ListFunctions")).toMatchObject({ count: 3, files: ["lambda/us-east-1/list-functions.json"] });
    expect(byId.get("us-east-1/lambda:GetPolicy/orders-processor")).toMatchObject({ status: "ok", absent: true, files: [] });
    expect(byId.get("us-east-1/lambda:GetPolicy/report-generator")).toMatchObject({ status: "ok", absent: false, count: 1 });
    expect(byId.get(`global/s3:GetObject/s3://${TRAIL_BUCKET}/team/`)).toMatchObject({ status: "ok", count: 2 });
    expect(byId.get(`global/s3:ListObjectsV2/s3://${TRAIL_BUCKET}/team/`)).toMatchObject({ status: "ok", count: 2 });

    // moto 5.2.5 implements neither Access Advisor nor Access Analyzer: recorded, the rest kept.
    // Nor ListCapacityProviders: recorded too, with a note, and the collection not partial for it.
    const failed = manifest.calls.filter((c) => c.status === "failed").map((c) => c.id);
    expect(failed).toEqual([
      "eu-west-1/accessanalyzer:GetFindingV2",
      "eu-west-1/lambda:ListCapacityProviders",
      `global/iam:GetServiceLastAccessedDetails/${seeded.roles.report}`,
      `global/iam:GetServiceLastAccessedDetails/${seeded.roles.orders}`,
      "us-east-1/accessanalyzer:GetFindingV2",
      "us-east-1/lambda:ListCapacityProviders",
    ].sort());
    expect(manifest.notes.filter((n) => n.includes("capacity providers not listed"))).toHaveLength(2);
    // Access Advisor is asked only about roles Lambda can assume (not the EC2 role).
    expect(ids.some((id) => id.includes("ci-deploy-role"))).toBe(false);
    for (const c of manifest.calls.filter((x) => x.status === "failed")) {
      expect(c.errorCode).toBe("UnparseableResponse");
      expect(c.errorMessage).not.toContain("\n");
    }
    expect(manifest.partial).toBe(true);
    expect(manifest.reasons).toHaveLength(4);
    expect(manifest.reasons.every((r) => / failed: UnparseableResponse: HTTP \d+/.test(r))).toBe(true);
  });

  it("reports progress for each phase and call", () => {
    const messages = progress.map((p) => p.message);
    expect(messages).toContain("lambda:ListFunctions [us-east-1]: ok (3)");
    expect(messages).toContain("lambda:GetPolicy orders-processor [us-east-1]: none");
    expect(messages.at(-1)).toMatch(/^done, PARTIAL: 4 problem\(s\)/);
    // One event per manifest entry, plus one per downloaded log file (summarised in the manifest).
    expect(progress.filter((p) => p.kind === "call")).toHaveLength(manifest.calls.length + 2);
  });

  it("normalises and audits: roles, functions, trigger and public URL come through, with the expected findings", async () => {
    const { document, warnings } = await normalize([out]);
    const fns = new Map(document.functions.map((f) => [f.name, f]));
    expect([...fns.keys()].sort()).toEqual(["eu-helper", "orders-processor", "report-generator"]);
    expect(fns.get("orders-processor")?.roleArn).toBe(seeded.roles.orders);
    expect(fns.get("orders-processor")?.environmentVariableNames).toEqual(["AWS_SECRET_LIKE", "DB_PASSWORD", "TABLE"]);
    expect(JSON.stringify(fns.get("orders-processor")?.triggers)).toContain(seeded.ordersQueue);
    expect(fns.get("report-generator")?.functionUrls).toMatchObject([{ authType: "NONE" }]);
    expect(document.roles.map((r) => r.arn).sort()).toEqual([seeded.roles.ci, seeded.roles.orders, seeded.roles.report].sort());
    // moto's quirk: its GetPolicy puts FunctionUrlAuthType at statement level instead of in a
    // Condition; the reader rightly flags that statement. Real AWS does not do this.
    const policyWarnings = warnings.filter((w) => w.code === "invalid-policy-document").map((w) => w.file ?? "");
    expect(policyWarnings.every((f) => f.endsWith("get-policy/report-generator.json"))).toBe(true);

    const report = auditDocument(document);
    const found = report.findings.map((f) => `${f.ruleId} ${JSON.stringify(f.resource)}`);
    expect(found.some((f) => f.startsWith("LR012") && f.includes("report-generator"))).toBe(true);
    expect(found.some((f) => f.startsWith("LR001") && f.includes("report-fn-role"))).toBe(true);
  });
});

describe("resume", () => {
  it("skips calls recorded as ok whose files exist, and redoes the rest", async () => {
    const out = outDir();
    // Through a proxy, which records what the resumed run asks (--resume refuses another endpoint).
    const proxy = await startFaultProxy(moto.endpoint, []);
    const options = { ...base(proxy.endpoint), out, regions: ["us-east-1"] };
    try {
      const first = await collect(options);
      expect(first.manifest.partial).toBe(false);
      unlinkSync(join(out, "lambda/us-east-1/get-policy/report-generator.json"));
      // What a run killed mid-write leaves: a temporary file, never a truncated final one.
      writeFileSync(join(out, "lambda/us-east-1/list-functions.json.partial-99999"), '{"Functions": [');

      await expect(collect(options)).rejects.toThrow(/not empty: pass --resume/);

      proxy.seen.length = 0;
      const second = await collect({ ...options, resume: true });
      const byId = new Map(second.manifest.calls.map((c) => [c.id, c]));
      expect(byId.get("us-east-1/lambda:GetPolicy/report-generator")).toMatchObject({ status: "ok", resumed: false });
      expect(byId.get("us-east-1/lambda:ListFunctions")?.resumed).toBe(true);
      expect(byId.get("global/iam:GetAccountAuthorizationDetails")?.resumed).toBe(true);
      expect(byId.get("global/sts:GetCallerIdentity")?.resumed).toBe(false); // always re-checked: same account?
      expect(existsSync(join(out, "lambda/us-east-1/get-policy/report-generator.json"))).toBe(true);
      expect(existsSync(join(out, "lambda/us-east-1/list-functions.json.partial-99999"))).toBe(false);
      // Only the identity check, the missing call and the failed one (moto lacks ListCapacityProviders) went to AWS.
      expect(proxy.seen.map((s) => s.replace(/\?.*$/, "")).sort()).toEqual([
        "lambda/us-east-1 GET /2015-03-31/functions/report-generator/policy",
        "lambda/us-east-1 GET /2025-11-30/capacity-providers",
        "sts/us-east-1 POST /",
      ]);
      expect(second.manifest.partial).toBe(false);
      expect(second.manifest.calls.length).toBe(first.manifest.calls.length);

      await expect(collect({ ...options, resume: true, accessAdvisor: true })).rejects.toThrow(CollectError);
      await expect(collect({ ...options, resume: true, accessAdvisor: true })).rejects.toThrow(/cannot resume with different options/);
      // Found by the collect sweep: a resume against another server (an emulator, AWS) was
      // accepted, mixing two sources under one manifest; emulators share account ids.
      const before = readFileSync(join(out, "manifest.json"), "utf8");
      await expect(collect({ ...options, endpoint: moto.endpoint, resume: true })).rejects.toThrow(
        `cannot resume from another endpoint: the collection was started against endpoint ${proxy.endpoint}, this run reads endpoint ${moto.endpoint}`,
      );
      expect(readFileSync(join(out, "manifest.json"), "utf8")).toBe(before);
    } finally {
      await proxy.close();
    }
  });
});

describe("resume with nothing but --out and --resume", () => {
  it("continues with the regions, the CloudTrail source and the window the collection was started with (found by the collect review)", async () => {
    // Before: "cannot resume with different options" unless every flag was repeated, though the
    // interrupt message says "run again with --resume"; and a window ending "now" moved to the
    // resumed run's now, so the logs already copied no longer matched the window stated.
    const out = outDir();
    const listEu = /^lambda\/eu-west-1 GET \/2015-03-31\/functions\/?\?/;
    const proxy = await startFaultProxy(moto.endpoint, [{ match: listEu, times: 1, fault: "deny" }]);
    try {
      const started = { ...base(proxy.endpoint), out, regions: ["us-east-1", "eu-west-1"], cloudtrail: `s3://${TRAIL_BUCKET}/team/`, since: "2026-01-10" };
      const first = await collect(started);
      expect(first.manifest.partial).toBe(true);
      expect(first.manifest.reasons.join("\n")).toMatch(/lambda:ListFunctions in eu-west-1 failed/);
      await new Promise((r) => setTimeout(r, 20)); // a later "now"

      const progress: string[] = [];
      const second = await collect({ ...base(proxy.endpoint), out, resume: true, onProgress: (e) => progress.push(e.message) });
      expect(second.manifest.options).toEqual(first.manifest.options);
      expect(second.manifest.partial).toBe(false);
      expect(json(out, "lambda/eu-west-1/list-functions.json").Functions.map((f: any) => f.FunctionName)).toEqual(["eu-helper"]);
      expect(existsSync(join(out, `cloudtrail/s3/${TRAIL_BUCKET}/${trailFiles.inWindow.key}`))).toBe(true);
      const window = first.manifest.options.window;
      expect(progress[0]).toBe(
        `resuming the collection started at ${first.manifest.startedAt} with --regions eu-west-1,us-east-1 --cloudtrail s3://${TRAIL_BUCKET}/team/, CloudTrail window ${window?.start} – ${window?.end} (${Math.round(((Date.parse(window?.end ?? "") - Date.parse(window?.start ?? "")) / 86_400_000) * 10) / 10} days)`,
      );

      // Options given are still checked, and said as the flags that give them.
      await expect(collect({ ...base(proxy.endpoint), out, resume: true, regions: ["us-east-1"], accessAdvisor: true })).rejects.toThrow(
        `cannot resume with different options: the collection was started with --regions eu-west-1,us-east-1 --cloudtrail s3://${TRAIL_BUCKET}/team/, this run asks for --regions us-east-1 --access-advisor --cloudtrail s3://${TRAIL_BUCKET}/team/; leave the options out to continue with the collection's own, or collect into a new --out`,
      );
      // The endpoint is never taken from the folder (it decides where signed requests go): said how to give it.
      await expect(collect({ out, credentials: TEST_CREDENTIALS, resume: true })).rejects.toThrow(`(pass --endpoint ${proxy.endpoint})`);
      // The same server written with a trailing slash is the same endpoint (it was refused).
      const sameServer = await collect({ ...base(`${proxy.endpoint}/`), out, resume: true });
      expect(sameServer.manifest.partial).toBe(false);
    } finally {
      await proxy.close();
    }
  });
});

describe("resume of a collection of the default region", () => {
  it("reads the region the collection started with, not the default region of the resumed run (found by the collect review)", async () => {
    // Before: resumed with another AWS_REGION, the first region's files were removed and the
    // other region collected under the same manifest, with nothing said.
    const out = outDir();
    const saved = process.env.AWS_REGION;
    try {
      process.env.AWS_REGION = "eu-west-1";
      const first = await collect({ ...base(moto.endpoint), out });
      expect(first.manifest.options.regions).toEqual(["eu-west-1"]);
      process.env.AWS_REGION = "us-east-1";
      const second = await collect({ ...base(moto.endpoint), out, resume: true });
      expect(second.manifest.options).toMatchObject({ regionsRequested: "default", regions: ["eu-west-1"] });
      expect(filesUnder(out).filter((f) => f.startsWith("lambda/")).map((f) => f.split("/")[1])).toContain("eu-west-1");
      expect(filesUnder(out).some((f) => f.startsWith("lambda/us-east-1/"))).toBe(false);
    } finally {
      if (saved === undefined) delete process.env.AWS_REGION;
      else process.env.AWS_REGION = saved;
    }
  });
});

describe("resume after a run killed before its manifest recorded what it wrote", () => {
  const POLICY = /^lambda\/us-east-1 GET \/2015-03-31\/functions\/report-generator\/policy/;
  // What Lambda answers GetPolicy of a function without a policy (the permission removed meanwhile).
  const noPolicy = {
    match: POLICY,
    times: Infinity,
    fault: () => ({
      status: 404,
      headers: { "content-type": "application/json", "x-amzn-errortype": "ResourceNotFoundException" },
      body: JSON.stringify({ Type: "User", Message: "The resource you requested does not exist." }),
    }),
  };
  /**
   * The state a SIGKILL after the IAM phase leaves (found by the collect sweep): the region's
   * files written, the manifest saved before any of them, saying the run did not finish.
   */
  const killedAfterIam = async (out: string, endpoint: string) => {
    await collect({ ...base(endpoint), out, regions: ["us-east-1"] });
    const m = json(out, "manifest.json") as CollectManifest;
    writeFileSync(
      join(out, "manifest.json"),
      JSON.stringify({ ...m, partial: true, reasons: ["the collection did not finish"], notes: [], calls: m.calls.filter((c) => c.service !== "lambda") }, null, 2),
    );
    expect(existsSync(join(out, "lambda/us-east-1/get-policy/report-generator.json"))).toBe(true);
  };
  const okFiles = (m: CollectManifest) => m.calls.filter((c) => c.status === "ok").flatMap((c) => c.files);

  it("a call made again and found absent leaves no file from the killed run, and audit reads no policy that no longer exists", async () => {
    const out = outDir();
    const rules: FaultRule[] = [];
    const proxy = await startFaultProxy(moto.endpoint, rules);
    try {
      await killedAfterIam(out, proxy.endpoint);
      rules.push(noPolicy);
      const { manifest } = await collect({ ...base(proxy.endpoint), out, regions: ["us-east-1"], resume: true });
      expect(manifest.calls.find((c) => c.id === "us-east-1/lambda:GetPolicy/report-generator")).toMatchObject({ status: "ok", absent: true, files: [], resumed: false });
      expect(existsSync(join(out, "lambda/us-east-1/get-policy/report-generator.json"))).toBe(false);
      // The folder holds exactly what the manifest's ok entries list.
      expect(filesUnder(out)).toEqual([...okFiles(manifest), "manifest.json"].sort());
      const document = await buildDocument([out]);
      expect(document.functions.find((f) => f.name === "report-generator")?.resourcePolicy ?? null).toBeNull();
      // The URL is there, the policy that made it public is not: no longer public.
      expect(auditDocument(document).findings.filter((f) => f.ruleId === "LR012").map((f) => [f.severity, /no statement of its resource policy lets the public call it/.test(f.message)])).toEqual([["low", true]]);
    } finally {
      await proxy.close();
    }
  });

  it("a region whose ListFunctions fails on resume is not read from the killed run's list, nor its functions' files", async () => {
    const out = outDir();
    const rules: FaultRule[] = [];
    const proxy = await startFaultProxy(moto.endpoint, rules);
    try {
      await killedAfterIam(out, proxy.endpoint);
      rules.push({ match: /^lambda\/us-east-1 GET \/2015-03-31\/functions\/?\?/, times: Infinity, fault: "deny" });
      const { manifest } = await collect({ ...base(proxy.endpoint), out, regions: ["us-east-1"], resume: true });
      expect(manifest.calls.find((c) => c.id === "us-east-1/lambda:ListFunctions")).toMatchObject({ status: "failed", errorCode: "AccessDeniedException" });
      expect(manifest.partial).toBe(true);
      // The layers are listed whatever the functions: ListLayers is its own call.
      expect(filesUnder(out, "lambda")).toEqual(["lambda/us-east-1/list-event-source-mappings.json", "lambda/us-east-1/list-layers.json"]);
      expect(filesUnder(out)).toEqual([...okFiles(manifest), "manifest.json"].sort());
      const { document } = await normalize([out]);
      expect(document.functions).toEqual([]);
      expect(document.accounts[0]?.functionCoverage).toEqual({ regions: [], complete: false, listsFailed: ["us-east-1"] });
    } finally {
      await proxy.close();
    }
  });

  it("audit reads only the files the manifest lists as collected, and says which it left out", async () => {
    // A folder an older collect left: the resumed GetPolicy found no policy, the old file stayed.
    const out = outDir();
    await collect({ ...base(moto.endpoint), out, regions: ["us-east-1"] });
    const m = json(out, "manifest.json") as CollectManifest;
    for (const c of m.calls) if (c.id === "us-east-1/lambda:GetPolicy/report-generator") Object.assign(c, { absent: true, files: [], count: 0 });
    writeFileSync(join(out, "manifest.json"), JSON.stringify(m, null, 2));
    expect(existsSync(join(out, "lambda/us-east-1/get-policy/report-generator.json"))).toBe(true);

    const { document, warnings } = await normalize([out]);
    expect(document.meta.sources.map((s) => s.path).filter((p) => p.includes("get-policy"))).toEqual([]);
    expect(document.functions.find((f) => f.name === "report-generator")?.resourcePolicy ?? null).toBeNull();
    const left = warnings.filter((w) => w.code === "collect-file-not-listed");
    expect(left).toHaveLength(1);
    expect(left[0]).toMatchObject({ severity: "warning", file: join(out, "manifest.json") });
    expect(left[0]?.message).toContain("not read: 1 file(s)");
    expect(left[0]?.message).toContain("lambda/us-east-1/get-policy/report-generator.json");
  });
});

describe("faults", () => {
  it("retries throttled calls with backoff after the SDK gives up, and records the attempts", async () => {
    const proxy = await startFaultProxy(moto.endpoint, [{ match: /^lambda\/us-east-1 GET \/2015-03-31\/functions\/?\?FunctionVersion=ALL/, times: 3, fault: "throttle" }]);
    const events: CollectProgress[] = [];
    try {
      const { manifest } = await collect({
        ...base(proxy.endpoint),
        out: outDir(),
        regions: ["us-east-1"],
        maxAttempts: 1,
        throttleRetries: 5,
        onProgress: (e) => events.push(e),
      });
      expect(proxy.injected).toEqual([3]);
      const list = manifest.calls.find((c) => c.id === "us-east-1/lambda:ListFunctions");
      expect(list).toMatchObject({ status: "ok", attempts: 4, count: 3 });
      expect(events.filter((e) => e.kind === "throttled").map((e) => (e.kind === "throttled" ? e.retry : 0))).toEqual([1, 2, 3]);
      expect(manifest.partial).toBe(false);
    } finally {
      await proxy.close();
    }
  });

  it("lets the SDK's own retry strategy absorb short throttling", async () => {
    const proxy = await startFaultProxy(moto.endpoint, [{ match: /^lambda\/us-east-1 GET \/\d{4}-\d{2}-\d{2}\/tags\/.*report-generator/, times: 1, fault: "throttle" }]);
    try {
      const { manifest } = await collect({ ...base(proxy.endpoint), out: outDir(), regions: ["us-east-1"], maxAttempts: 3, throttleRetries: 0 });
      const tags = manifest.calls.filter((c) => c.operation === "ListTags");
      expect(tags.every((c) => c.status === "ok")).toBe(true);
      expect(tags.map((c) => c.attempts).sort()).toEqual([1, 2]);
    } finally {
      await proxy.close();
    }
  });

  it("records a throttled call that never passes as failed and keeps the rest", async () => {
    const proxy = await startFaultProxy(moto.endpoint, [
      { match: /^lambda\/us-east-1 GET \/2015-03-31\/functions\/report-generator\/policy/, times: Infinity, fault: "throttle" },
    ]);
    try {
      const { manifest } = await collect({ ...base(proxy.endpoint), out: outDir(), regions: ["us-east-1"], maxAttempts: 2, throttleRetries: 2 });
      const call = manifest.calls.find((c) => c.id === "us-east-1/lambda:GetPolicy/report-generator");
      expect(call).toMatchObject({ status: "failed", errorCode: "TooManyRequestsException", attempts: 6 });
      expect(manifest.partial).toBe(true);
      expect(manifest.reasons).toEqual(["lambda:GetPolicy report-generator in us-east-1 failed: TooManyRequestsException: Rate exceeded"]);
      // The other failed call is the one moto lacks (a note, not a reason).
      expect(manifest.calls.filter((c) => c.status !== "ok").map((c) => c.id)).toEqual(["us-east-1/lambda:GetPolicy/report-generator", "us-east-1/lambda:ListCapacityProviders"]);
    } finally {
      await proxy.close();
    }
  });

  it("records a failed region and keeps the others", async () => {
    const proxy = await startFaultProxy(moto.endpoint, [{ match: /^lambda\/eu-west-1 /, times: Infinity, fault: "deny" }]);
    try {
      const out = outDir();
      const { manifest } = await collect({ ...base(proxy.endpoint), out, regions: ["eu-west-1", "us-east-1"] });
      const failed = manifest.calls.filter((c) => c.status === "failed").map((c) => [c.id, c.errorCode]);
      expect(failed).toEqual([
        ["eu-west-1/lambda:ListCapacityProviders", "AccessDeniedException"],
        ["eu-west-1/lambda:ListEventSourceMappings", "AccessDeniedException"],
        ["eu-west-1/lambda:ListFunctions", "AccessDeniedException"],
        ["eu-west-1/lambda:ListLayers", "AccessDeniedException"],
        ["us-east-1/lambda:ListCapacityProviders", "UnparseableResponse"],
      ]);
      expect(existsSync(join(out, "lambda/us-east-1/list-functions.json"))).toBe(true);
      expect(existsSync(join(out, "lambda/eu-west-1"))).toBe(false);
      expect(manifest.partial).toBe(true);
      expect(manifest.reasons.every((r) => r.includes("in eu-west-1 failed: AccessDeniedException"))).toBe(true);
    } finally {
      await proxy.close();
    }
  });

  it("credentials that expire mid-run stop the run with one error saying what to do, not a failure per remaining call; --resume finishes it", async () => {
    // Found by the collect sweep: every call after the expiry failed the same way, each recorded
    // (thousands in a large account) and the run went on to the end, "partial", its remedy
    // "collect --resume". AWS's common errors: ExpiredTokenException (HTTP 403); IAM, STS and S3
    // answer ExpiredToken. moto's tokens never expire: the proxy answers as AWS does.
    const expiredJson = () => ({
      status: 403,
      headers: { "content-type": "application/json", "x-amzn-errortype": "ExpiredTokenException" },
      body: JSON.stringify({ message: "The security token included in the request is expired" }),
    });
    const expiredXml = () => ({
      status: 403,
      headers: { "content-type": "text/xml" },
      body: "<ErrorResponse><Error><Type>Sender</Type><Code>ExpiredToken</Code><Message>The security token included in the request is expired</Message></Error><RequestId>x</RequestId></ErrorResponse>",
    });
    const proxy = await startFaultProxy(moto.endpoint, [{ match: /^lambda\/us-east-1 GET \/2015-03-31\/functions\/[^/]+\/policy/, times: 1, fault: expiredJson }]);
    const out = outDir();
    try {
      const error = await collect({ ...base(proxy.endpoint), out, regions: ["us-east-1", "eu-west-1"], maxAttempts: 1, concurrency: 1 }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(CollectError);
      expect(String(error)).toMatch(
        /the credentials expired during the collection \(lambda:GetPolicy \S+ in us-east-1: ExpiredTokenException: The security token included in the request is expired\): the collection stopped; get new credentials .*, then run again with --resume to continue/,
      );
      // One call found it; nothing was asked after it (not the other functions, not eu-west-1).
      expect(proxy.injected).toEqual([1]);
      const after = proxy.seen.slice(proxy.seen.findIndex((s) => /^lambda\/us-east-1 .*\/policy/.test(s)) + 1);
      expect(after).toEqual([]);
      const m = json(out, "manifest.json");
      expect(m.partial).toBe(true);
      expect(m.reasons).toContain("the collection did not finish");
      expect(m.calls.filter((c: any) => c.errorCode === "ExpiredTokenException")).toHaveLength(1);
      // New credentials (here: the proxy no longer refuses), and --resume finishes the collection.
      const resumed = await collect({ ...base(proxy.endpoint), out, resume: true });
      expect(resumed.manifest.partial).toBe(false);
      expect(resumed.manifest.options.regions).toEqual(["eu-west-1", "us-east-1"]);
    } finally {
      await proxy.close();
    }

    // IAM (query protocol) says ExpiredToken.
    const iam = await startFaultProxy(moto.endpoint, [{ match: /^iam\//, times: Infinity, fault: expiredXml }]);
    try {
      const error = await collect({ ...base(iam.endpoint), out: outDir(), regions: ["us-east-1"], maxAttempts: 1 }).catch((e: unknown) => e);
      expect(String(error)).toMatch(/the credentials expired during the collection \(iam:GetAccountAuthorizationDetails: ExpiredToken: The security token included in the request is expired\)/);
      expect(iam.seen.filter((s) => s.startsWith("lambda/"))).toEqual([]);
    } finally {
      await iam.close();
    }

    // Expired before the run: the identity call says so, rather than "check the credentials".
    const sts = await startFaultProxy(moto.endpoint, [{ match: /^sts\//, times: Infinity, fault: expiredXml }]);
    try {
      const error = await collect({ ...base(sts.endpoint), out: outDir(), regions: ["us-east-1"], maxAttempts: 1 }).catch((e: unknown) => e);
      expect(String(error)).toMatch(/cannot identify the account \(ExpiredToken: The security token included in the request is expired\); the session token has expired: get new credentials/);
    } finally {
      await sts.close();
    }
  });

  it("credentials the SDK cannot renew mid-run (an SSO session that ended) stop the run the same way, with the SDK's own instruction", async () => {
    // The SDK's SSO provider (@aws-sdk/credential-provider-sso) throws CredentialsProviderError
    // with this message once the SSO session has expired; every later call then fails the same
    // way. Here a provider whose credentials last a second (so the SDK asks it again for each
    // request) does so after its third answer.
    let answered = 0;
    const credentials = async () => {
      if (++answered > 3) {
        throw Object.assign(new Error("The SSO session associated with this profile has expired. To refresh this SSO session run aws sso login with the corresponding profile."), {
          name: "CredentialsProviderError",
          tryNextLink: false,
        });
      }
      return { ...TEST_CREDENTIALS, sessionToken: "session", expiration: new Date(Date.now() + 1000) };
    };
    const out = outDir();
    const error = await collect({ endpoint: moto.endpoint, credentials, throttleBaseMs: 1, out, regions: ["us-east-1"], maxAttempts: 1, concurrency: 1 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CollectError);
    expect(String(error)).toMatch(
      /the credentials could not be renewed during the collection \([^)]*: CredentialsProviderError: The SSO session associated with this profile has expired\. To refresh this SSO session run aws sso login with the corresponding profile\.\): the collection stopped; do what the message says/,
    );
    const m = json(out, "manifest.json");
    expect(m.reasons).toContain("the collection did not finish");
    expect(m.calls.filter((c: any) => c.status === "failed")).toHaveLength(1);
  });

  it("log files denied: the remedy names kms:Decrypt as well as s3:GetObject, since S3 answers AccessDenied for an SSE-KMS object read without kms:Decrypt", async () => {
    // Found by the collect sweep: the remedy was only "add s3:GetObject", which the identity may
    // well have: CloudTrail logs are often SSE-KMS encrypted, and S3 then answers "Access Denied"
    // without saying why (boto3#2952, aws-cli#6713), or, in newer answers, names kms:Decrypt.
    const denied = (message: string) => () => ({
      status: 403,
      headers: { "content-type": "application/xml" },
      body: `<?xml version="1.0" encoding="UTF-8"?><Error><Code>AccessDenied</Code><Message>${message}</Message><RequestId>r</RequestId><HostId>h</HostId></Error>`,
    });
    const logFile = new RegExp(`^s3/\\S+ GET /${TRAIL_BUCKET}/team/AWSLogs/\\S+\\.json\\.gz`);
    const kmsMessage = `User: arn:aws:sts::${ACCOUNT}:assumed-role/Auditor/alice is not authorized to perform: kms:Decrypt on resource: arn:aws:kms:us-east-1:${ACCOUNT}:key/1234abcd-12ab-34cd-56ef-1234567890ab because no identity-based policy allows the kms:Decrypt action`;
    for (const [message, remedy] of [
      ["Access Denied", "add s3:GetObject to the policy of the identity that collects (see collect --print-policy), or, if the log files are encrypted with SSE-KMS, kms:Decrypt on their key (S3 answers AccessDenied for either), then collect --resume"],
      [kmsMessage, "add kms:Decrypt on the KMS key the objects are encrypted with (in the key policy, or in the identity's policy naming the key's ARN), then collect --resume"],
    ] as const) {
      const proxy = await startFaultProxy(moto.endpoint, [{ match: logFile, times: Infinity, fault: denied(message) }]);
      try {
        const { manifest } = await collect({ ...base(proxy.endpoint), out: outDir(), regions: ["us-east-1"], cloudtrail: `s3://${TRAIL_BUCKET}/team/`, ...WINDOW, maxAttempts: 1 });
        expect(proxy.injected).toEqual([2]);
        const line = summarisedReasons(manifest).find((l) => l.startsWith("s3:GetObject failed for 2 of"));
        expect(line).toBe(`s3:GetObject failed for 2 of 3 calls: AccessDenied (first: ${message}); ${remedy}`);
      } finally {
        await proxy.close();
      }
    }
  });

  it("an identity call refused as an invalid token names the region STS was asked in, which may be an opt-in region not enabled", async () => {
    // STS's regional endpoint of a region not enabled in the account answers InvalidClientTokenId
    // however good the credentials (IAM API reference, SetSecurityTokenServicePreferences; reported
    // in SWO-GS/retro-tag#10). moto takes any region: the proxy answers STS's XML error.
    const invalid = () => ({
      status: 403,
      headers: { "content-type": "text/xml" },
      body: "<ErrorResponse><Error><Type>Sender</Type><Code>InvalidClientTokenId</Code><Message>The security token included in the request is invalid.</Message></Error><RequestId>r</RequestId></ErrorResponse>",
    });
    const proxy = await startFaultProxy(moto.endpoint, [{ match: /^sts\//, times: Infinity, fault: invalid }]);
    try {
      const error = await collect({ ...base(proxy.endpoint), out: outDir(), regions: ["ap-east-1"], maxAttempts: 1 }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(CollectError);
      expect(String(error)).toMatch(
        /cannot identify the account \(InvalidClientTokenId: The security token included in the request is invalid\.\); check the credentials, and that the region [a-z0-9-]+ \(where STS was asked\) is enabled in the account: an opt-in region not enabled answers this too/,
      );
      const asked = proxy.seen[0]?.split(" ")[0]?.split("/")[1];
      expect(String(error)).toContain(`the region ${asked} (where STS was asked)`);
    } finally {
      await proxy.close();
    }
  });

  it("a region that refuses the credentials the others take (an opt-in region not enabled): partial, named, one line saying why, the rest collected", async () => {
    // Found by the collect sweep: each of the region's calls was its own line, "The security token
    // included in the request is invalid", read as bad credentials, and nothing said what to do
    // (--resume fails the same way). AWS answers a region not enabled in the account, or a version 1
    // session token from STS's global endpoint in an opt-in region (IAM API reference,
    // SetSecurityTokenServicePreferences), with UnrecognizedClientException (JSON services: Lambda,
    // AWS Config) or InvalidClientTokenId (query services). moto takes any region: the proxy answers.
    const unrecognized = ({ path }: { path: string }) => ({
      status: 403,
      headers: { "content-type": "application/json", "x-amzn-errortype": "UnrecognizedClientException" },
      body: JSON.stringify(path === "/" ? { __type: "UnrecognizedClientException", message: "The security token included in the request is invalid." } : { message: "The security token included in the request is invalid." }),
    });
    const proxy = await startFaultProxy(moto.endpoint, [{ match: /^(lambda|config)\/ap-east-1 /, times: Infinity, fault: unrecognized }]);
    try {
      const out = outDir();
      const { manifest } = await collect({ ...base(proxy.endpoint), out, regions: ["ap-east-1", "us-east-1"], maxAttempts: 1 });
      expect(manifest.partial).toBe(true);
      const refused = manifest.calls.filter((c) => c.region === "ap-east-1" && c.status === "failed");
      expect(refused.map((c) => [c.operation, c.errorCode])).toEqual([
        ["DescribeConfigRules", "UnrecognizedClientException"],
        ["ListCapacityProviders", "UnrecognizedClientException"],
        ["ListEventSourceMappings", "UnrecognizedClientException"],
        ["ListFunctions", "UnrecognizedClientException"],
        ["ListLayers", "UnrecognizedClientException"],
      ]);
      expect(manifest.reasons).toContain("lambda:ListFunctions in ap-east-1 failed: UnrecognizedClientException: The security token included in the request is invalid.");
      expect(existsSync(join(out, "lambda/us-east-1/list-functions.json"))).toBe(true);
      // What collect prints (`incomplete:`) and audit warns: one line for the region.
      const lines = summarisedReasons(manifest);
      expect(lines.filter((l) => l.includes("ap-east-1"))).toEqual([
        "5 call(s) in ap-east-1 failed (config:DescribeConfigRules, lambda:ListCapacityProviders, lambda:ListEventSourceMappings, lambda:ListFunctions, lambda:ListLayers): " +
          "UnrecognizedClientException (The security token included in the request is invalid.), though the same credentials were accepted outside ap-east-1: " +
          "ap-east-1 is probably an opt-in region not enabled in the account, or the credentials are a session token from STS's global endpoint " +
          "(version 1 tokens are valid only in the regions enabled by default); enable the region, or leave it out of --regions (--regions all reads only the enabled ones)",
      ]);
      const document = await buildDocument([out]);
      expect(document.meta.warnings.filter((w) => w.code === "collection-partial" && w.message.includes("ap-east-1"))).toHaveLength(1);
    } finally {
      await proxy.close();
    }
  });

  it("degrades --regions all when ListRegions is unavailable, and records CloudTrail lookup that moto lacks", async () => {
    const { manifest } = await collect({ ...base(moto.endpoint), out: outDir(), regions: "all", cloudtrail: "lookup", days: 1 });
    const byId = new Map(manifest.calls.map((c) => [c.id, c]));
    expect(byId.get("global/account:ListRegions")?.status).toBe("failed");
    expect(manifest.options.regions).toHaveLength(1);
    const home = manifest.options.regions[0] as string;
    expect(byId.get(`${home}/lambda:ListFunctions`)?.status).toBe("ok");
    expect(byId.get(`${home}/cloudtrail:LookupEvents`)?.status).toBe("failed");
    expect(manifest.reasons).toContain(`enabled regions unknown: collected only ${home}`);
    expect(manifest.partial).toBe(true);
  });
});

describe("SDK configuration", () => {
  it("honours AWS_ENDPOINT_URL and the environment's credentials without options", async () => {
    const saved = { ...process.env };
    Object.assign(process.env, {
      AWS_ENDPOINT_URL: moto.endpoint,
      AWS_ACCESS_KEY_ID: TEST_CREDENTIALS.accessKeyId,
      AWS_SECRET_ACCESS_KEY: TEST_CREDENTIALS.secretAccessKey,
      AWS_REGION: "us-east-1",
    });
    try {
      const out = outDir();
      const { manifest } = await collect({ out });
      // The manifest says where the data came from (found by the collect sweep: it recorded null).
      expect(manifest.options).toMatchObject({ regionsRequested: "default", regions: ["us-east-1"], endpoint: moto.endpoint });
      expect(manifest.partial).toBe(false);
      expect(json(out, "lambda/us-east-1/list-functions.json").Functions).toHaveLength(3);
    } finally {
      for (const k of ["AWS_ENDPOINT_URL", "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_REGION"]) {
        if (saved[k] === undefined) delete process.env[k];
        else process.env[k] = saved[k];
      }
    }
  });

  it("--profile: credentials and region come from the named profile of the shared files", async () => {
    // A temporary folder of its own (the parent of an unused output folder), removed after the file.
    const home = join(outDir(), "..");
    writeFileSync(join(home, "credentials"), `[audit]\naws_access_key_id = ${TEST_CREDENTIALS.accessKeyId}\naws_secret_access_key = ${TEST_CREDENTIALS.secretAccessKey}\n`);
    writeFileSync(join(home, "config"), "[profile audit]\nregion = eu-west-1\n");
    const saved = { ...process.env };
    Object.assign(process.env, { AWS_SHARED_CREDENTIALS_FILE: join(home, "credentials"), AWS_CONFIG_FILE: join(home, "config") });
    try {
      const out = outDir();
      const { manifest } = await collect({ out, endpoint: moto.endpoint, profile: "audit" });
      expect(manifest.options).toMatchObject({ profile: "audit", regionsRequested: "default", regions: ["eu-west-1"] });
      expect(manifest.account?.id).toBe(ACCOUNT);
      expect(json(out, "lambda/eu-west-1/list-functions.json").Functions.map((f: any) => f.FunctionName)).toEqual(["eu-helper"]);

      const error = await collect({ out: outDir(), endpoint: moto.endpoint, profile: "no-such-profile", regions: ["us-east-1"], maxAttempts: 1 }).catch(
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(CollectError);
      expect(String(error)).toMatch(/cannot identify the account .*check the credentials of profile no-such-profile/);
    } finally {
      for (const k of ["AWS_SHARED_CREDENTIALS_FILE", "AWS_CONFIG_FILE"]) {
        if (saved[k] === undefined) delete process.env[k];
        else process.env[k] = saved[k];
      }
    }
  });

  it("the CLI against an emulator without credentials says which variables to set (found by the collect review: said only \"check the credentials\")", () => {
    const cli = join(import.meta.dirname, "../../dist/cli.js");
    const home = join(outDir(), "..");
    // No credentials anywhere: no AWS_* variables, shared files that do not exist, no instance metadata.
    const env: NodeJS.ProcessEnv = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith("AWS_")));
    Object.assign(env, {
      HOME: home,
      AWS_SHARED_CREDENTIALS_FILE: join(home, "none-credentials"),
      AWS_CONFIG_FILE: join(home, "none-config"),
      AWS_EC2_METADATA_DISABLED: "true",
      AWS_REGION: "us-east-1",
      NO_COLOR: "1",
    });
    const r = spawnSync(process.execPath, [cli, "collect", "--out", outDir(), "--endpoint", moto.endpoint], { env, encoding: "utf8", timeout: 60_000 });
    expect(r.status, r.stderr).toBe(2);
    expect(r.stderr).toContain(
      `cannot identify the account (CredentialsProviderError: Could not load credentials from any providers); check the credentials: the endpoint ${moto.endpoint} needs some even if it accepts any (set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or pass --profile)`,
    );
  });

  it("an endpoint that cannot be reached is blamed on the endpoint or network, not the credentials", async () => {
    // Found by the collect sweep: ECONNREFUSED / ENOTFOUND said "check the credentials".
    const closed = await new Promise<number>((ok) => {
      const server = createServer().listen(0, "127.0.0.1", () => {
        const port = (server.address() as AddressInfo).port;
        server.close(() => ok(port));
      });
    });
    for (const [endpoint, code] of [
      [`http://127.0.0.1:${closed}`, "ECONNREFUSED"],
      ["http://leastrole-test.invalid", "ENOTFOUND|EAI_AGAIN"],
    ] as const) {
      const error = await collect({ out: outDir(), endpoint, credentials: TEST_CREDENTIALS, regions: ["us-east-1"], maxAttempts: 1 }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(CollectError);
      expect(String(error)).toMatch(new RegExp(`cannot identify the account \\((${code}): .*\\); check the endpoint ${endpoint.replace(/\./g, "\\.")} and the network$`));
    }
  });

  it("fails with one clear error when there are no usable credentials, leaving a manifest that says so", async () => {
    const out = outDir();
    const proxy = await startFaultProxy(moto.endpoint, [{ match: /^sts\//, times: Infinity, fault: "deny" }]);
    try {
      const error = await collect({ ...base(proxy.endpoint), out, regions: ["us-east-1"], maxAttempts: 1 }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(CollectError);
      expect(String(error)).toMatch(/cannot identify the account \(AccessDeniedException: injected denial/);
      const m = json(out, "manifest.json");
      expect(m.partial).toBe(true);
      expect(m.reasons).toContain("the collection did not finish");

      // Found by the collect review: with the credentials fixed, the same command was refused ("the
      // out directory is not empty"). A folder holding only the manifest of a collection that read
      // nothing is begun again, with the options given…
      const progress: string[] = [];
      const again = await collect({ ...base(moto.endpoint), out, regions: ["eu-west-1"], onProgress: (e) => progress.push(e.message) });
      expect(progress[0]).toMatch(/^starting again: the collection in .* read nothing \(sts:GetCallerIdentity failed: AccessDeniedException: injected denial/);
      expect(again.manifest).toMatchObject({ partial: false, account: { id: ACCOUNT }, options: { regions: ["eu-west-1"], endpoint: moto.endpoint } });
      expect(json(out, "lambda/eu-west-1/list-functions.json").Functions.map((f: any) => f.FunctionName)).toEqual(["eu-helper"]);

      // … and with --resume, the recorded options for those left out.
      const out2 = outDir();
      await expect(collect({ ...base(proxy.endpoint), out: out2, regions: ["eu-west-1"], cloudtrail: `s3://${TRAIL_BUCKET}/team/`, maxAttempts: 1 })).rejects.toThrow(CollectError);
      const resumed = await collect({ ...base(moto.endpoint), out: out2, resume: true });
      expect(resumed.manifest.options).toMatchObject({ regionsRequested: ["eu-west-1"], cloudtrail: `s3://${TRAIL_BUCKET}/team/` });
      // A folder that holds anything else beside such a manifest is never begun again over.
      const out3 = outDir();
      await expect(collect({ ...base(proxy.endpoint), out: out3, regions: ["eu-west-1"], maxAttempts: 1 })).rejects.toThrow(CollectError);
      writeFileSync(join(out3, "notes.txt"), "mine");
      await expect(collect({ ...base(moto.endpoint), out: out3, regions: ["eu-west-1"] })).rejects.toThrow(/not empty: pass --resume/);
    } finally {
      await proxy.close();
    }
  });
});

// Last: it adds roles and a function in ap-southeast-2 that the tests above do not expect.
describe("LR016 and the regions a collection read (IAM is global, Lambda regional)", () => {
  let roles: { apac: string; leftover: string };
  beforeAll(async () => {
    roles = await seedRegionalRoles(moto.endpoint);
  });

  // account:ListRegions, which moto 5.2.5 lacks, answered as AWS does (REST-JSON).
  const listRegions = {
    match: /^account\//,
    times: Infinity,
    fault: () => ({
      status: 200,
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ Regions: ["ap-southeast-2", "eu-west-1", "us-east-1"].map((RegionName) => ({ RegionName, RegionOptStatus: "ENABLED_BY_DEFAULT" })) }),
    }),
  };
  const lr016 = async (out: string) => {
    const document = await buildDocument([out]);
    const findings = auditDocument(document).findings.filter((f) => f.ruleId === "LR016");
    return { document, byRole: new Map(findings.map((f) => [f.resource.arn, f])) };
  };

  it("one region read: a role used in another region is not called orphaned with confidence", async () => {
    // Found by the collect sweep: after the default one-region collect, every role used only in
    // other regions was LR016 high, the first top fix ("Delete the role").
    const out = outDir();
    await collect({ ...base(moto.endpoint), out, regions: ["us-east-1"] });
    const { document, byRole } = await lr016(out);
    expect(document.accounts[0]?.functionCoverage).toEqual({ regions: ["us-east-1"], complete: false });
    for (const arn of [roles.apac, roles.leftover]) {
      expect(byRole.get(arn)?.severity).toBe("low");
      expect(byRole.get(arn)?.message).toContain("no function in the regions read (us-east-1) uses it; the account's other regions were not read");
    }
  });

  it("every enabled region read: only the role no function uses, at its full severity", async () => {
    const proxy = await startFaultProxy(moto.endpoint, [listRegions]);
    try {
      const out = outDir();
      const { manifest } = await collect({ ...base(proxy.endpoint), out, regions: "all" });
      expect(manifest.options.regions).toEqual(["ap-southeast-2", "eu-west-1", "us-east-1"]);
      const { document, byRole } = await lr016(out);
      expect(document.accounts[0]?.functionCoverage).toEqual({ regions: ["ap-southeast-2", "eu-west-1", "us-east-1"], complete: true });
      expect(byRole.has(roles.apac)).toBe(false);
      expect(byRole.get(roles.leftover)).toMatchObject({ severity: "medium", evidence: { allRegionsRead: true } });
      expect(byRole.get(roles.leftover)?.message).toContain("no function in any region of the account uses it");
    } finally {
      await proxy.close();
    }
  });

  it("capacity providers that could not be listed (denied, throttled past retries): partial, and LR016 says the role may be an operator role", async () => {
    // Found by the collect sweep: any failure was a note, the collection complete, and LR016 said
    // "no function in any region of the account uses it" of what may be an operator role.
    // (Expired credentials stop the run instead: see "credentials that expire mid-run".)
    const proxy = await startFaultProxy(moto.endpoint, [
      listRegions,
      { match: /^lambda\/eu-west-1 GET \/[\d-]+\/capacity-providers/, times: Infinity, fault: "deny" },
      { match: /^lambda\/ap-southeast-2 GET \/[\d-]+\/capacity-providers/, times: Infinity, fault: "throttle" },
    ]);
    try {
      const out = outDir();
      const { manifest } = await collect({ ...base(proxy.endpoint), out, regions: "all", maxAttempts: 1, throttleRetries: 0 });
      expect(manifest.partial).toBe(true);
      expect(manifest.reasons.filter((r) => r.startsWith("lambda:ListCapacityProviders"))).toEqual([
        "lambda:ListCapacityProviders in ap-southeast-2 failed: TooManyRequestsException: Rate exceeded",
        "lambda:ListCapacityProviders in eu-west-1 failed: AccessDeniedException: injected denial for this region",
      ]);
      // moto lacks the API (HTTP 404): there are none to list, a note as before.
      expect(manifest.notes.filter((n) => n.startsWith("lambda:ListCapacityProviders"))).toEqual([expect.stringMatching(/^lambda:ListCapacityProviders in us-east-1 failed: UnparseableResponse: HTTP 404/)]);
      const { document, byRole } = await lr016(out);
      expect(document.accounts[0]?.functionCoverage).toEqual({ regions: ["ap-southeast-2", "eu-west-1", "us-east-1"], complete: true, capacityProvidersUnread: ["ap-southeast-2", "eu-west-1"] });
      expect(byRole.get(roles.leftover)?.severity).toBe("low");
      expect(byRole.get(roles.leftover)?.message).toContain(
        "no function in any region of the account uses it, but the capacity providers of ap-southeast-2, eu-west-1 could not be listed (lambda:ListCapacityProviders failed",
      );
    } finally {
      await proxy.close();
    }
  });

  it("every region asked for, but one region's function list failed: not complete", async () => {
    const proxy = await startFaultProxy(moto.endpoint, [listRegions, { match: /^lambda\/eu-west-1 /, times: Infinity, fault: "deny" }]);
    try {
      const out = outDir();
      await collect({ ...base(proxy.endpoint), out, regions: "all" });
      const { document, byRole } = await lr016(out);
      // The region's capacity providers are unknown too (the denial covers every Lambda call there).
      expect(document.accounts[0]?.functionCoverage).toEqual({
        regions: ["ap-southeast-2", "us-east-1"],
        complete: false,
        capacityProvidersUnread: ["eu-west-1"],
        listsFailed: ["eu-west-1"],
        allRegionsAsked: true,
      });
      expect(byRole.get(roles.leftover)).toMatchObject({ severity: "low", evidence: { allRegionsRead: false } });
      // Found by the collect sweep: the remedy was "collect --regions all", which is what was run.
      expect(byRole.get(roles.leftover)?.message).toContain(
        "no function in the regions read (ap-southeast-2, us-east-1) uses it; the function list of eu-west-1 could not be read (lambda:ListFunctions failed: see the collection's reasons; fix it and collect --resume), and a function there may use it",
      );
      expect(byRole.get(roles.leftover)?.message).not.toContain("--regions all");
      expect(byRole.has(roles.apac)).toBe(false);
    } finally {
      await proxy.close();
    }
  });
});
