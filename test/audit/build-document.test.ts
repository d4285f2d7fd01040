/**
 * buildDocument starts reading CloudTrail before the account is read and normalised: a failure in
 * between must reach the caller as itself, with the readers stopped (no hang, no stray rejection).
 */
import { createHash } from "node:crypto";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import { audit } from "../../src/audit/audit.js";
import { buildDocument } from "../../src/audit/build-document.js";
import { normalize } from "../../src/index.js";

const demo = join(import.meta.dirname, "../../examples/demo-account");

describe("buildDocument with CloudTrail", () => {
  it("reports a normalisation error while the workers read, and stops them", async () => {
    await expect(buildDocument([demo], { asOf: "not a date", workers: 2 })).rejects.toThrow(/asOf is not a timestamp/);
  });

  it("tells the reading's progress only after the account's, ending with every file read", async () => {
    const seen: Array<{ stage: string; done: number; total?: number }> = [];
    // The demo's trail is small: read on this thread, before the account, and told after it.
    await buildDocument([demo], { asOf: "2026-11-28T00:00:00Z", onProgress: (p) => seen.push({ ...p }) });
    const stages = seen.map((p) => p.stage);
    const firstUsage = stages.indexOf("usage");
    expect(firstUsage).toBeGreaterThan(stages.indexOf("read"));
    expect(stages.slice(firstUsage).filter((x) => x === "read")).toEqual([]);
    const last = seen.filter((p) => p.stage === "usage").at(-1)!;
    expect(last.done).toBe(last.total);
    expect(last.total).toBeGreaterThan(1);
  });

  it("gives the same document with one, two and the default number of readers", async () => {
    const asOf = "2026-11-28T00:00:00Z";
    const [one, two, auto] = await Promise.all([buildDocument([demo], { asOf, workers: 1 }), buildDocument([demo], { asOf, workers: 2 }), buildDocument([demo], { asOf })]);
    expect(one.usage.coverage.recordsRead).toBeGreaterThan(0);
    expect(two).toEqual(one);
    expect(auto).toEqual(one);
  });

  it("carries what the usage readers said of a file into the document's warnings (an Advisor report of no known role)", async () => {
    const dir = mkdtempSync(join(tmpdir(), "lr-advisor-"));
    const report = join(dir, "report.json");
    writeFileSync(report, JSON.stringify({ JobStatus: "COMPLETED", JobType: "SERVICE_LEVEL", JobCreationDate: "2026-11-27T00:00:00Z", JobCompletionDate: "2026-11-27T00:01:00Z", ServicesLastAccessed: [{ ServiceName: "Amazon S3", ServiceNamespace: "s3", TotalAuthenticatedEntities: 0 }] }));
    try {
      const doc = await buildDocument([demo, report], { asOf: "2026-11-28T00:00:00Z" });
      expect(doc.meta.warnings.filter((w) => w.code === "access-advisor-role-unknown").map((w) => w.file)).toEqual([report]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("uses an Advisor report only for the role it is about: one whose entities name another role, or about a role not in the inputs, is said and left out", async () => {
    // The demo's reports-generator (role reports-role, its only function) never calls s3:GetBucketLocation.
    // Access Advisor for another role saw it inside the window; named after reports-role by mistake
    // it would turn that unused permission into "used".
    const dir = mkdtempSync(join(tmpdir(), "lr-advisor-"));
    const other = "arn:aws:iam::111122223333:role/service-role/billing-sync-role";
    const report = (entity: string) => ({
      JobStatus: "COMPLETED",
      JobType: "ACTION_LEVEL",
      JobCreationDate: "2026-11-28T03:50:35.929000+00:00",
      ServicesLastAccessed: [
        {
          ServiceName: "Amazon S3",
          LastAuthenticated: "2026-11-20T10:00:00+00:00",
          ServiceNamespace: "s3",
          LastAuthenticatedEntity: entity,
          LastAuthenticatedRegion: "us-east-1",
          TotalAuthenticatedEntities: 1,
          TrackedActionsLastAccessed: [{ ActionName: "GetBucketLocation", LastAccessedEntity: entity, LastAccessedTime: "2026-11-20T10:00:00+00:00", LastAccessedRegion: "us-east-1" }],
        },
      ],
      JobCompletionDate: "2026-11-28T03:50:36.929000+00:00",
      IsTruncated: false,
    });
    const named = (arn: string) => join(dir, `${encodeURIComponent(arn)}.json`);
    const mismatched = named("arn:aws:iam::111122223333:role/reports-role");
    const foreign = named("arn:aws:iam::444455556666:role/reports-role");
    writeFileSync(mismatched, JSON.stringify(report(other), null, 4));
    writeFileSync(foreign, JSON.stringify(report("arn:aws:iam::444455556666:role/reports-role"), null, 4));
    try {
      const doc = await buildDocument([demo, mismatched, foreign], { asOf: "2026-11-28T00:00:00Z" });
      const label = doc.usage.labels.find((l) => l.functionArn?.endsWith(":reports-generator"))?.permissions.find((p) => p.action === "s3:GetBucketLocation");
      expect([label?.label, label?.sources]).toEqual(["unused", ["cloudtrail"]]);
      expect(doc.meta.warnings.filter((w) => w.code.startsWith("access-advisor")).map((w) => [w.code, w.file])).toEqual([
        ["access-advisor-role-mismatch", mismatched],
        ["access-advisor-role-not-audited", foreign],
      ]);
      expect(doc.usage.coverage.partial).toBe(false);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("says of Access Analyzer findings about roles not in the inputs that they are not used, as of Access Advisor reports", async () => {
    // A list-findings-v2-shaped page of get-finding-v2 findings of the demo's reports-role and of a
    // role of another account. Before, the other account's were left out without a word.
    const dir = mkdtempSync(join(tmpdir(), "lr-analyzer-"));
    const finding = (id: string, resource: string) => ({
      id, resource, resourceType: "AWS::IAM::Role", resourceOwnerAccount: resource.split(":")[4], status: "ACTIVE", findingType: "UnusedIAMRole",
      createdAt: "2026-11-27T10:00:00Z", updatedAt: "2026-11-27T10:00:00Z", analyzedAt: "2026-11-27T10:00:00Z", findingDetails: [{ unusedIamRoleDetails: { lastAccessed: "2026-06-01T10:00:00Z" } }],
    });
    const file = join(dir, "findings.json");
    const foreign = ["arn:aws:iam::444455556666:role/reports-role", "arn:aws:iam::444455556666:role/a", "arn:aws:iam::444455556666:role/b", "arn:aws:iam::444455556666:role/c"];
    writeFileSync(file, JSON.stringify({ findings: [finding("own", "arn:aws:iam::111122223333:role/reports-role"), ...foreign.map((r, i) => finding(`f-${i}`, r))] }, null, 4));
    try {
      const doc = await buildDocument([demo, file], { asOf: "2026-11-28T00:00:00Z" });
      expect(doc.meta.warnings.filter((w) => w.code === "access-analyzer-role-not-audited").map((w) => [w.severity, w.file, w.message])).toEqual([
        ["warning", file, "Access Analyzer findings about 4 roles not in the IAM inputs (arn:aws:iam::444455556666:role/a, arn:aws:iam::444455556666:role/b, arn:aws:iam::444455556666:role/c and 1 more): not used"],
      ]);
      expect(doc.usage.coverage.partial).toBe(false);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("takes the configuration's word that data events are logged for every resource, and only its word", async () => {
    // The demo's trail holds S3, SQS and DynamoDB data events: "present", which proves nothing of
    // other resources; "logged" only when the configuration says so.
    const asOf = "2026-11-28T00:00:00Z";
    const [seen, said] = await Promise.all([buildDocument([demo], { asOf }), buildDocument([demo], { asOf, config: { usage: { dataEventsLogged: true } } })]);
    expect(seen.usage.coverage.dataEvents).toBe("present");
    expect(said.usage.coverage.dataEvents).toBe("logged");
  });

  it("lists every CloudTrail file among the sources with its SHA-256, as the account's files", async () => {
    const doc = await buildDocument([demo], { asOf: "2026-11-28T00:00:00Z" });
    const trail = doc.meta.sources.filter((s) => s.kind === "cloudtrail");
    expect(trail.length).toBeGreaterThan(1);
    expect(doc.meta.sources.some((s) => s.kind !== "cloudtrail")).toBe(true);
    for (const s of doc.meta.sources) expect(s.sha256, s.path).toBe(createHash("sha256").update(readFileSync(s.path)).digest("hex"));
  });
});

describe("buildDocument: which regions' function lists a collection holds (accounts[].functionCoverage)", () => {
  const ACCOUNT = "123456789012";
  const trust = { Version: "2012-10-17", Statement: [{ Effect: "Allow", Principal: { Service: "lambda.amazonaws.com" }, Action: "sts:AssumeRole" }] };
  const role = (name: string) => ({ RoleName: name, Path: "/", RoleId: `AROA${name.toUpperCase()}`, Arn: `arn:aws:iam::${ACCOUNT}:role/${name}`, CreateDate: "2026-01-01T00:00:00Z", AssumeRolePolicyDocument: trust, RolePolicyList: [], AttachedManagedPolicies: [], Tags: [] });
  const fn = (region: string, name: string, roleName: string) => ({ FunctionName: name, FunctionArn: `arn:aws:lambda:${region}:${ACCOUNT}:function:${name}`, Runtime: "python3.12", Role: `arn:aws:iam::${ACCOUNT}:role/${roleName}`, Version: "$LATEST" });
  const call = (region: string, service: string, operation: string, status: string, files: string[] = []) => ({ id: `${region}/${service}:${operation}`, service, operation, region, target: null, status, files });

  /** A collection of us-east-1 (one function) and eu-west-1 (none), with the manifest given. */
  function collection(manifest: { regionsRequested: unknown; listRegions?: string; euList?: string }): string {
    const dir = mkdtempSync(join(tmpdir(), "lr-coverage-"));
    const write = (rel: string, value: unknown) => {
      const file = join(dir, rel);
      rmSync(file, { force: true });
      mkdirSync(join(file, ".."), { recursive: true });
      writeFileSync(file, JSON.stringify(value));
    };
    write("iam/get-account-authorization-details.json", { UserDetailList: [], GroupDetailList: [], RoleDetailList: [role("used-role"), role("idle-role")], Policies: [] });
    write("lambda/us-east-1/list-functions.json", { Functions: [fn("us-east-1", "api", "used-role")] });
    write("lambda/eu-west-1/list-functions.json", { Functions: [] });
    const calls = [
      call("global", "iam", "GetAccountAuthorizationDetails", "ok", ["iam/get-account-authorization-details.json"]),
      call("us-east-1", "lambda", "ListFunctions", "ok", ["lambda/us-east-1/list-functions.json"]),
      call("eu-west-1", "lambda", "ListFunctions", manifest.euList ?? "ok", manifest.euList === "failed" ? [] : ["lambda/eu-west-1/list-functions.json"]),
      ...(manifest.listRegions ? [call("global", "account", "ListRegions", manifest.listRegions)] : []),
    ];
    write("manifest.json", {
      manifestVersion: 1,
      kind: "leastrole-collect-manifest",
      account: { id: ACCOUNT, arn: `arn:aws:sts::${ACCOUNT}:assumed-role/audit/x`, partition: "aws" },
      finishedAt: "2026-11-28T00:00:00Z",
      options: { regionsRequested: manifest.regionsRequested, regions: ["eu-west-1", "us-east-1"] },
      partial: false,
      reasons: [],
      calls,
    });
    return dir;
  }
  /** Record an ok call that wrote `files` in the collection's manifest (audit reads only what it lists). */
  const listInManifest = (dir: string, id: string, files: string[]) => {
    const manifest = JSON.parse(readFileSync(join(dir, "manifest.json"), "utf8")) as { calls: unknown[] } & Record<string, unknown>;
    const [region, rest] = id.split("/") as [string, string];
    const [service, operation] = rest.split(":") as [string, string];
    writeFileSync(join(dir, "manifest.json"), JSON.stringify({ ...manifest, calls: [...manifest.calls, { id, service, operation, region, target: id.split("/")[2] ?? null, status: "ok", files }] }));
  };
  const coverageOf = async (paths: string[]) => (await buildDocument(paths)).accounts.find((a) => a.accountId === ACCOUNT)?.functionCoverage;

  it("complete: --regions all, the enabled regions listed, every region's list read (an empty one included)", async () => {
    const dir = collection({ regionsRequested: "all", listRegions: "ok" });
    try {
      expect(await coverageOf([dir])).toEqual({ regions: ["eu-west-1", "us-east-1"], complete: true });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("the SDK's normalize(paths) reads the collection as buildDocument does: complete, dated by the manifest, partial when it is", async () => {
    const dir = collection({ regionsRequested: "all", listRegions: "ok" });
    try {
      const { document, partial } = await normalize([dir]);
      const built = await buildDocument([dir]);
      expect(document.accounts.find((a) => a.accountId === ACCOUNT)?.functionCoverage).toEqual({ regions: ["eu-west-1", "us-east-1"], complete: true });
      expect(document.accounts).toEqual(built.accounts);
      expect(document.meta.asOf).toBe("2026-11-28T00:00:00.000Z");
      expect(document.meta.asOf).toBe(built.meta.asOf);
      expect(document.meta.warnings).toEqual(built.meta.warnings);
      expect(partial).toBe(false);
      // A collection that did not finish its calls makes the document partial, through either.
      const manifest = JSON.parse(readFileSync(join(dir, "manifest.json"), "utf8")) as Record<string, unknown>;
      writeFileSync(join(dir, "manifest.json"), JSON.stringify({ ...manifest, partial: true, reasons: ["lambda:GetPolicy failed"] }));
      const again = await normalize([dir]);
      expect(again.partial).toBe(true);
      expect(again.warnings).toContainEqual(expect.objectContaining({ code: "collection-partial", severity: "warning", file: join(dir, "manifest.json") }));
      expect((await buildDocument([dir])).meta.partial).toBe(true);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("a permission missing for every function is one warning, as collect prints it, not one per function (found by the collect review)", async () => {
    const dir = collection({ regionsRequested: "all", listRegions: "ok" });
    try {
      const manifest = JSON.parse(readFileSync(join(dir, "manifest.json"), "utf8")) as { calls: unknown[] } & Record<string, unknown>;
      const denied = ["api", "worker", "cron"].map((fn) => ({
        id: `us-east-1/lambda:GetPolicy/${fn}`, service: "lambda", operation: "GetPolicy", region: "us-east-1", target: fn, status: "failed", files: [],
        count: null, absent: false, reason: null, errorCode: "AccessDeniedException", errorMessage: `User is not authorized to perform: lambda:GetPolicy on ${fn}`,
      }));
      const reasons = denied.map((c) => `lambda:GetPolicy ${c.target} in us-east-1 failed: AccessDeniedException: ${c.errorMessage}`).sort();
      writeFileSync(join(dir, "manifest.json"), JSON.stringify({ ...manifest, partial: true, reasons, calls: [...manifest.calls, ...denied] }));
      const partial = (await buildDocument([dir])).meta.warnings.filter((w) => w.code === "collection-partial");
      expect(partial.map((w) => w.message)).toEqual([
        "the collection is incomplete: lambda:GetPolicy failed for 3 of 3 calls in us-east-1: AccessDeniedException (first: User is not authorized to perform: lambda:GetPolicy on api); add lambda:GetPolicy to the policy of the identity that collects (see collect --print-policy), then collect --resume",
      ]);
      // A manifest without call records (written by hand, or cut down) still says each reason.
      writeFileSync(join(dir, "manifest.json"), JSON.stringify({ ...manifest, partial: true, reasons, calls: undefined }));
      expect((await buildDocument([dir])).meta.warnings.filter((w) => w.code === "collection-partial").map((w) => w.message)).toEqual(reasons.map((r) => `the collection is incomplete: ${r}`));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("a resource policy the collection failed to read is unknown: LR012 does not call a URL with AuthType NONE private", async () => {
    const dir = collection({ regionsRequested: "all", listRegions: "ok" });
    try {
      const file = join(dir, "lambda/us-east-1/get-function-url-config/api.json");
      mkdirSync(join(file, ".."), { recursive: true });
      writeFileSync(file, JSON.stringify({ FunctionUrl: "https://abcdefghijklmnop.lambda-url.us-east-1.on.aws/", FunctionArn: `arn:aws:lambda:us-east-1:${ACCOUNT}:function:api`, AuthType: "NONE", CreationTime: "2026-01-01T00:00:00.000+0000" }));
      listInManifest(dir, "us-east-1/lambda:GetFunctionUrlConfig/api", ["lambda/us-east-1/get-function-url-config/api.json"]);
      const lr012 = async () => (await audit([dir])).report.findings.filter((f) => f.ruleId === "LR012").map((f) => [f.severity, f.message.split(":")[0]]);
      // GetPolicy answered (no policy): the URL answers 403 until a statement lets the public in.
      expect(await lr012()).toEqual([["low", "Function api has a function URL with AuthType NONE, but no statement of its resource policy lets the public call it (Principal \"*\" with lambda"]]);
      const manifest = JSON.parse(readFileSync(join(dir, "manifest.json"), "utf8")) as { calls: unknown[] } & Record<string, unknown>;
      const denied = { id: "us-east-1/lambda:GetPolicy/api", service: "lambda", operation: "GetPolicy", region: "us-east-1", target: "api", status: "failed", files: [], errorCode: "AccessDeniedException", errorMessage: "not authorized to perform: lambda:GetPolicy" };
      writeFileSync(join(dir, "manifest.json"), JSON.stringify({ ...manifest, partial: true, reasons: ["lambda:GetPolicy api in us-east-1 failed: AccessDeniedException"], calls: [...manifest.calls, denied] }));
      expect((await buildDocument([dir])).functions.map((f) => [f.name, f.resourcePolicyUnread])).toEqual([["api", true]]);
      expect(await lr012()).toEqual([["high", "Function api has a function URL with AuthType NONE, and its resource policy could not be read (lambda"]]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("a get-policy file that cannot be read is unknown too, not \"no statement\": LR012 high, with an error naming the file", async () => {
    // Found by the collect sweep: a damaged file was dropped and the URL called private (low).
    const arn = `arn:aws:lambda:us-east-1:${ACCOUNT}:function:api`;
    // What Lambda's GetPolicy returns after add-permission --function-url-auth-type NONE (urls-auth.html).
    const policy = JSON.stringify({
      Version: "2012-10-17",
      Id: "default",
      Statement: [{ Sid: "FunctionURLAllowPublicAccess", Effect: "Allow", Principal: "*", Action: "lambda:InvokeFunctionUrl", Resource: arn, Condition: { StringEquals: { "lambda:FunctionUrlAuthType": "NONE" } } }],
    });
    const variants: Array<[string, string, string]> = [
      ["api.json", JSON.stringify({ Policy: policy.slice(0, -5), RevisionId: "r1" }), "invalid-policy-document"],
      ["api.json", JSON.stringify({ Policy: policy, RevisionId: "r1" }).slice(0, -20), ""],
      ["api%3Alive.json", JSON.stringify({ Policy: JSON.stringify({ ...JSON.parse(policy), Statement: [{ ...JSON.parse(policy).Statement[0], FunctionUrlAuthType: "NONE" }] }) }), "invalid-policy-document"],
    ];
    for (const [name, text, code] of variants) {
      const dir = collection({ regionsRequested: "all", listRegions: "ok" });
      try {
        const url = join(dir, "lambda/us-east-1/get-function-url-config/api.json");
        mkdirSync(join(url, ".."), { recursive: true });
        writeFileSync(url, JSON.stringify({ FunctionUrl: "https://abcdefghijklmnop.lambda-url.us-east-1.on.aws/", FunctionArn: arn, AuthType: "NONE", CreationTime: "2026-01-01T00:00:00.000+0000" }));
        const file = join(dir, "lambda/us-east-1/get-policy", name);
        mkdirSync(join(file, ".."), { recursive: true });
        writeFileSync(file, text);
        listInManifest(dir, "us-east-1/lambda:GetFunctionUrlConfig/api", ["lambda/us-east-1/get-function-url-config/api.json"]);
        listInManifest(dir, `us-east-1/lambda:GetPolicy/${decodeURIComponent(name.replace(/\.json$/, ""))}`, [`lambda/us-east-1/get-policy/${name}`]);
        const { report, document } = await audit([dir]);
        expect(document.functions.map((f) => [f.name, f.resourcePolicyUnread]), name).toEqual([["api", true]]);
        const lr012 = report.findings.filter((f) => f.ruleId === "LR012");
        expect(lr012.map((f) => f.severity), name).toEqual(["high"]);
        expect(lr012[0]?.message).toContain("its resource policy could not be read");
        // A file cut short, met in the folder, is a warning (unreadable-file); a policy the reader refuses an error.
        expect(document.meta.warnings.filter((w) => (w.severity === "error" || w.code === "unreadable-file") && w.file === file).map((w) => [w.code, w.severity]), name).toEqual([code ? [code, "error"] : ["unreadable-file", "warning"]]);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    }
  });

  it("not complete: some regions asked for, enabled regions unknown, a region's list failed or left out of the inputs", async () => {
    const dirs = [
      collection({ regionsRequested: ["eu-west-1", "us-east-1"] }),
      collection({ regionsRequested: "all", listRegions: "failed" }),
      collection({ regionsRequested: "all", listRegions: "ok", euList: "failed" }),
    ];
    const full = collection({ regionsRequested: "all", listRegions: "ok" });
    try {
      expect(await coverageOf([dirs[0]!])).toEqual({ regions: ["eu-west-1", "us-east-1"], complete: false });
      // --regions all with account:ListRegions failed: said, so that LR016 does not advise `--regions all` (what ran).
      expect(await coverageOf([dirs[1]!])).toEqual({ regions: ["eu-west-1", "us-east-1"], complete: false, enabledRegionsUnknown: true });
      const lr016 = (await audit([dirs[1]!])).report.findings.filter((f) => f.ruleId === "LR016").map((f) => f.message);
      expect(lr016.length).toBeGreaterThan(0);
      for (const m of lr016) {
        expect(m).toContain("account:ListRegions failed: grant it and collect --resume");
        expect(m).not.toContain("--regions all");
      }
      expect(await coverageOf([dirs[2]!])).toEqual({ regions: ["us-east-1"], complete: false, listsFailed: ["eu-west-1"], allRegionsAsked: true });
      // The manifest and some of the folder's files: the eu-west-1 list is not among the inputs.
      expect(await coverageOf([join(full, "manifest.json"), join(full, "iam"), join(full, "lambda/us-east-1")])).toEqual({ regions: ["us-east-1"], complete: false, allRegionsAsked: true });
      // Without the manifest (a hand-made export): the regions of the lists whose account is known, never complete.
      rmSync(join(full, "manifest.json"));
      expect(await coverageOf([full])).toEqual({ regions: ["us-east-1"], complete: false });
    } finally {
      for (const d of [...dirs, full]) rmSync(d, { recursive: true, force: true });
    }
  });
});

describe("a CloudTrail log file that cannot be read, met in a folder walk", () => {
  // One delivery per day of a 30-day window, each with the function's GetParameter; the role also
  // grants PutParameter, which only a delivery that did not arrive intact could have shown.
  const account = "111111111111";
  const roleArn = `arn:aws:iam::${account}:role/app-role`;
  function tree(broken: Record<string, Buffer>): string {
    const dir = mkdtempSync(join(tmpdir(), "lr-broken-trail-"));
    writeFileSync(
      join(dir, "iam.json"),
      JSON.stringify({
        UserDetailList: [], GroupDetailList: [], Policies: [],
        RoleDetailList: [{
          Path: "/", RoleName: "app-role", RoleId: "AROAAPPROLEXXXXXXXXXX", Arn: roleArn, CreateDate: "2025-01-01T00:00:00Z",
          AssumeRolePolicyDocument: { Version: "2012-10-17", Statement: [{ Effect: "Allow", Principal: { Service: "lambda.amazonaws.com" }, Action: "sts:AssumeRole" }] },
          InstanceProfileList: [], AttachedManagedPolicies: [], Tags: [],
          RolePolicyList: [{ PolicyName: "p", PolicyDocument: { Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: ["ssm:GetParameter", "ssm:PutParameter"], Resource: `arn:aws:ssm:us-east-1:${account}:parameter/app/*` }] } }],
        }],
      }),
    );
    mkdirSync(join(dir, "lambda/us-east-1"), { recursive: true });
    writeFileSync(join(dir, "lambda/us-east-1/list-functions.json"), JSON.stringify({ Functions: [{ FunctionName: "app", FunctionArn: `arn:aws:lambda:us-east-1:${account}:function:app`, Runtime: "python3.12", Role: roleArn, Handler: "app.handler", LastModified: "2026-01-10T10:00:00.000+0000", PackageType: "Zip" }] }));
    for (let d = 1; d <= 30; d++) {
      const day = String(d).padStart(2, "0");
      const folder = join(dir, `AWSLogs/${account}/CloudTrail/us-east-1/2026/11/${day}`);
      mkdirSync(folder, { recursive: true });
      const record = { eventVersion: "1.08", userIdentity: { type: "AssumedRole", principalId: "AROAAPPROLEXXXXXXXXXX:app", arn: `arn:aws:sts::${account}:assumed-role/app-role/app`, accountId: account, sessionContext: { sessionIssuer: { type: "Role", arn: roleArn, accountId: account, userName: "app-role" } } }, eventTime: `2026-11-${day}T12:00:00Z`, eventSource: "ssm.amazonaws.com", eventName: "GetParameter", awsRegion: "us-east-1", requestParameters: { name: "/app/x" }, eventID: `e-${day}`, readOnly: true, managementEvent: true, eventCategory: "Management", recipientAccountId: account };
      writeFileSync(join(folder, `${account}_CloudTrail_us-east-1_202611${day}T2355Z_00000000x0000x40.json.gz`), gzipSync(JSON.stringify({ Records: [record] })));
    }
    for (const [name, bytes] of Object.entries(broken)) writeFileSync(join(dir, name), bytes);
    return dir;
  }
  const evening = `AWSLogs/${account}/CloudTrail/us-east-1/2026/11/14/${account}_CloudTrail_us-east-1_20261114T2005Z_EVENINGxFILE0001.json.gz`;
  const putParameter = (doc: Awaited<ReturnType<typeof buildDocument>>) => doc.usage.labels.find((l) => l.functionArn?.endsWith(":function:app"))?.permissions.find((p) => p.action === "ssm:PutParameter");

  it("all deliveries intact: PutParameter, never called, is unused (the baseline of the cases below)", async () => {
    const dir = tree({});
    try {
      const doc = await buildDocument([dir], { asOf: "2026-12-01T00:00:00Z" });
      expect(doc.usage.coverage.partial).toBe(false);
      expect(putParameter(doc)?.label).toBe("unused");
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  // Before: routed to the source readers as "skipped: not a JSON file" (info), the usage whole,
  // and PutParameter, called in the lost delivery, unused.
  for (const [what, bytes, code] of [
    ["downloaded as 0 bytes", Buffer.alloc(0), "cloudtrail-file-unreadable"],
    ["gzip damaged from its first bytes", Buffer.from([0x1f, 0x8b, 0x08, 0x00, 0xde, 0xad, 0xbe, 0xef, 0x00, 0x03, 0xff, 0xff, 0xff]), "truncated-gzip"],
    ["not JSON at all (an HTML error page saved under the key)", Buffer.from("<html><body>403 Forbidden</body></html>"), "unrecognised-usage-file"],
  ] as const) {
    it(`a delivery ${what}: a warning naming it, the usage partial, nothing unused`, async () => {
      const dir = tree({ [evening]: bytes });
      try {
        const doc = await buildDocument([dir], { asOf: "2026-12-01T00:00:00Z" });
        const said = doc.meta.warnings.filter((w) => w.file === join(dir, evening));
        expect(said.map((w) => [w.code, w.severity])).toEqual([[code, "warning"]]);
        expect(doc.usage.coverage.partial).toBe(true);
        expect(doc.usage.coverage.partialReasons.some((r) => r.startsWith(join(dir, evening)))).toBe(true);
        expect(putParameter(doc)?.label).toBe("unknowable");
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });
  }

  it("an empty file not named or placed as CloudTrail is still only noted", async () => {
    const dir = tree({ "notes.json": Buffer.alloc(0) });
    try {
      const doc = await buildDocument([dir], { asOf: "2026-12-01T00:00:00Z" });
      expect(doc.meta.warnings.filter((w) => w.file === join(dir, "notes.json")).map((w) => [w.code, w.severity])).toEqual([["skipped-non-json", "info"]]);
      expect(doc.usage.coverage.partial).toBe(false);
      expect(putParameter(doc)?.label).toBe("unused");
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
