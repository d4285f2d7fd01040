/**
 * Attribution by `userIdentity.inScopeOf`: CloudTrail writes which function Lambda issued the
 * execution-role credentials to (issuerType `AWS::Lambda::Function`, credentialsIssuedTo its ARN).
 * Two functions of one name in us-east-1 and us-west-2 share a role (a multi-region deployment):
 * their calls share the session name, and the us-west-2 function's calls to EC2 in us-east-1 are
 * logged in us-east-1, where the session name alone picked the us-east-1 function. The fixture's
 * records follow the shape of a real 2026 lookup-events output (test/fixtures/cloudtrail-inscope/SOURCE.md).
 */
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { LambdaFunction, Role } from "../../src/model/document.js";
import { emptyRoleFacts } from "../../src/iam/index.js";
import { readUsage, type UsageAggregate } from "../../src/usage/index.js";
import { startLabelling } from "../../src/usage/labels.js";
import { readUsageFile } from "../../src/usage/read-file.js";
import { eventFromText } from "../../src/usage/record-fields.js";
import { ingestUsageRow } from "../../src/usage/query-rows.js";
import { FileAccumulator } from "../../src/usage/accumulate.js";
import { wasmScanner, type WasmScanner } from "../../src/usage/scan-wasm.js";
import { S_IDENTITY } from "../../src/usage/scan-slots.js";

const FIXTURES = join(__dirname, "..", "fixtures", "cloudtrail-inscope");
const TRAIL = join(FIXTURES, "trail.json");
const LOOKUP = join(FIXTURES, "lookup-events.json");
const ACCT = "111122223333";
const ROLE = `arn:aws:iam::${ACCT}:role/adl-ec2-instance-age-alert-role`;
const NAME = "adl-ec2-instance-age-12h-alert";
const fnArn = (region: string, name = NAME): string => `arn:aws:lambda:${region}:${ACCT}:function:${name}`;

function fn(region: string, name = NAME): LambdaFunction {
  return {
    arn: fnArn(region, name), name, accountId: ACCT, region, runtime: "python3.12", packageType: "Zip", roleArn: ROLE, versions: [], aliases: [],
    lastModified: "2025-05-01T00:00:00Z", vpc: null, tracingMode: null, environmentVariableNames: [], kmsKeyArn: null, deadLetterTargetArn: null,
    destinations: { onSuccess: null, onFailure: null }, logGroup: `/aws/lambda/${name}`, logFormat: null, layers: [], fileSystems: [], triggers: [],
    resourcePolicy: null, functionUrls: [], tags: {}, source: null,
  };
}

const ALLOWED = ["ec2:DescribeInstances", "ec2:DescribeRegions", "ec2:DescribeSnapshots", "ec2:DescribeVolumes"];
const role: Role = {
  arn: ROLE, name: "adl-ec2-instance-age-alert-role", path: "/", roleId: null, accountId: ACCT, createDate: "2025-01-01T00:00:00Z", trustPolicy: null,
  inlinePolicies: [], attachedPolicies: [], permissionsBoundaryArn: null, lastUsed: null, tags: {}, trustsLambda: true, functions: [], source: null,
  facts: { ...emptyRoleFacts(), allowedActions: ALLOWED, allowedActionCount: ALLOWED.length },
};
/** The multi-region deployment: one name in two regions, one role; and a function attributed by name. */
const DOC = { roles: [role], functions: [fn("us-east-1"), fn("us-west-2"), fn("us-east-1", "adl-snapshot-report")] };

/** Per principal: [sessionKind, functionArn, regions, actions×count], sorted. */
function attribution(agg: UsageAggregate): { section: string[][]; warnings: string[] } {
  const labelling = startLabelling(agg, DOC, { asOf: "2026-09-01T00:00:00Z" });
  const section = labelling.finish();
  return {
    section: section.principals.map((p) => [p.sessionKind, p.sessionName, p.functionArn ?? "-", p.regions.join(","), p.actions.map((a) => `${a.action}×${a.count}`).join(",")]).sort(),
    warnings: labelling.warnings.filter((w) => w.code === "issued-to-function-not-in-inputs").map((w) => w.message),
  };
}

/** Which way the WebAssembly scanner hands each record over, with the function each says. */
function scannerPaths(data: Buffer): { compact: (string | null)[]; whole: (string | null)[] } {
  const out = { compact: [] as (string | null)[], whole: [] as (string | null)[] };
  const scanner = wasmScanner() as WasmScanner;
  scanner.scan(data, {
    compact: (c, r) => out.compact.push(c.identity(c.i32[r + S_IDENTITY] as number, r).issuedToFunction),
    event: (ev) => out.whole.push(ev.issuedToFunction),
    skipped: () => undefined,
  });
  return out;
}

const EXPECTED = [
  // The us-west-2 function's calls, logged in us-east-1: its own, not the us-east-1 function's.
  ["function", NAME, fnArn("us-west-2"), "us-east-1", "ec2:DescribeInstances×2"],
  ["function", NAME, fnArn("us-east-1"), "us-east-1", "ec2:DescribeRegions×1"],
  // No inScopeOf: the session name, as before.
  ["function", "adl-snapshot-report", fnArn("us-east-1", "adl-snapshot-report"), "us-east-1", "ec2:DescribeSnapshots×1"],
  // Issued to a eu-west-1 function the inputs do not hold: no function's.
  ["other", NAME, "-", "us-east-1", "ec2:DescribeVolumes×1"],
].sort();
const NOT_HELD = [
  `role ${ROLE}: CloudTrail says (userIdentity.inScopeOf) the credentials of 1 call were issued to a function the inputs do not hold with this role: ${fnArn("eu-west-1")} (session ${NAME}, 1 call). ` +
    "They are attributed to no function, not to a function of the same name in another region or account; give the inputs of that function (the account's export of its regions) to have them counted.",
];

describe("userIdentity.inScopeOf attributes a call to the function its credentials were issued to", () => {
  it("through the WebAssembly scanner's compact records (a CloudTrail file)", async () => {
    const agg = await readUsage([TRAIL], { workers: 1 });
    expect(agg.files[0]?.format).toBe("cloudtrail-s3");
    expect(attribution(agg)).toEqual({ section: EXPECTED, warnings: NOT_HELD });
    // Every record came back as compact slots, none whole: the slots carry the function.
    expect(scannerPaths(readFileSync(TRAIL))).toEqual({ compact: [fnArn("us-west-2"), fnArn("us-west-2"), fnArn("us-east-1"), fnArn("eu-west-1"), null], whole: [] });
    expect(agg.sessions.filter((s) => s.sessionName === NAME).map((s) => s.functionArn)).toEqual([fnArn("eu-west-1"), fnArn("us-east-1"), fnArn("us-west-2")]);
  });

  it("through records handed back whole (an escaped string) and through the JavaScript scanner, equally", async () => {
    const dir = mkdtempSync(join(tmpdir(), "leastrole-inscope-"));
    // `\u006d` is `m`: JSON.parse reads the same record, the scanners hand it to the full parser.
    const escaped = readFileSync(TRAIL, "utf8").replaceAll('"ec2.amazonaws.com"', '"ec2.amazonaws.co\\u006d"');
    expect(escaped).not.toBe(readFileSync(TRAIL, "utf8"));
    const path = join(dir, "escaped.json");
    writeFileSync(path, escaped);
    const agg = await readUsage([path], { workers: 1 });
    expect(attribution(agg)).toEqual({ section: EXPECTED, warnings: NOT_HELD });
    // Every record came back whole.
    expect(scannerPaths(Buffer.from(escaped))).toEqual({ compact: [], whole: [fnArn("us-west-2"), fnArn("us-west-2"), fnArn("us-east-1"), fnArn("eu-west-1"), null] });
    // The three readers of a records file give one result, on both files.
    for (const p of [TRAIL, path]) {
      expect(readUsageFile(p, { fastScan: "js" }).partial.principals).toEqual(readUsageFile(p, {}).partial.principals);
      expect(readUsageFile(p, { fastScan: false }).partial.principals).toEqual(readUsageFile(p, {}).partial.principals);
    }
  });

  it("the same with two workers and the files in another order", async () => {
    const dir = mkdtempSync(join(tmpdir(), "leastrole-inscope-workers-"));
    const records = (JSON.parse(readFileSync(TRAIL, "utf8")) as { Records: object[] }).Records;
    writeFileSync(join(dir, "a.json"), JSON.stringify({ Records: records.slice(0, 2) }));
    writeFileSync(join(dir, "b.json"), JSON.stringify({ Records: records.slice(2) }));
    const one = await readUsage([TRAIL], { workers: 1 });
    const two = await readUsage([join(dir, "b.json"), join(dir, "a.json")], { workers: 2 });
    expect(two.sessions).toEqual(one.sessions);
  });

  it("a Lambda service session (awslambda_…) whose records name the function is that function's, folded per function", async () => {
    const dir = mkdtempSync(join(tmpdir(), "leastrole-inscope-service-"));
    const base = (JSON.parse(readFileSync(TRAIL, "utf8")) as { Records: Array<{ [k: string]: unknown }> }).Records[0] as { [k: string]: unknown };
    // Two service sessions for the us-west-2 copy (its log stream), one without inScopeOf (Lambda's own, the role's).
    const service = (n: number, scoped: boolean): object => {
      const rec = JSON.parse(JSON.stringify(base).replaceAll(`AROAEXAMPLEEXAMPLE01:${NAME}`, `AROAEXAMPLEEXAMPLE01:awslambda_${n}_20260827170000000`).replaceAll(`/${NAME}"`, `/awslambda_${n}_20260827170000000"`)) as { [k: string]: unknown } & { userIdentity: { inScopeOf?: unknown } };
      if (!scoped) delete rec.userIdentity.inScopeOf;
      return { ...rec, eventID: `svc-${n}`, eventSource: "logs.amazonaws.com", eventName: "CreateLogStream", requestParameters: { logGroupName: `/aws/lambda/${NAME}`, logStreamName: "2026/08/27/[$LATEST]0123" } };
    };
    writeFileSync(join(dir, "svc.json"), JSON.stringify({ Records: [service(1, true), service(2, true), service(3, false)] }));
    const agg = await readUsage([join(dir, "svc.json")], { workers: 1 });
    const section = startLabelling(agg, DOC, { asOf: "2026-09-01T00:00:00Z" }).finish();
    expect(section.principals.map((p) => [p.sessionKind, p.sessionName, p.sessionCount, p.functionArn, p.actions.map((a) => a.action).join(",")])).toEqual([
      ["lambda-service", "awslambda_*", 1, null, "logs:CreateLogStream"],
      ["function", "awslambda_*", 2, fnArn("us-west-2"), "logs:CreateLogStream"],
    ]);
  });

  it("through lookup-events output (CloudTrailEvent strings parsed whole)", async () => {
    const agg = await readUsage([LOOKUP], { workers: 1 });
    expect(agg.files[0]?.format).toBe("cloudtrail-lookup-events");
    expect(attribution(agg)).toEqual({ section: EXPECTED, warnings: NOT_HELD });
  });

  it("a function of that ARN with another role is not the session's; roles of no function of the inputs are not warned about", async () => {
    const agg = await readUsage([TRAIL], { workers: 1 });
    const OTHER = `arn:aws:iam::${ACCT}:role/other-role`;
    const moved = { roles: [role], functions: [fn("us-east-1"), { ...fn("us-west-2"), roleArn: OTHER }] };
    const labelling = startLabelling(agg, moved, { asOf: "2026-09-01T00:00:00Z" });
    const section = labelling.finish();
    expect(section.principals.filter((p) => p.sessionName === NAME).map((p) => [p.sessionKind, p.functionArn]).sort()).toEqual([["function", fnArn("us-east-1")], ["other", null], ["other", null]]);
    const warning = labelling.warnings.find((w) => w.code === "issued-to-function-not-in-inputs")?.message ?? "";
    expect(warning).toContain(`${fnArn("us-west-2")} (session ${NAME}, 2 calls; the inputs' function of that ARN runs with ${OTHER})`);
    expect(warning).toContain(`${fnArn("eu-west-1")} (session ${NAME}, 1 call)`);
    // No function of the inputs runs with the role: its sessions are nobody's, and nothing is said.
    const none = startLabelling(agg, { roles: [role], functions: [] }, { asOf: "2026-09-01T00:00:00Z" });
    none.finish();
    expect(none.warnings.filter((w) => w.code === "issued-to-function-not-in-inputs")).toEqual([]);
  });

  it("reads the function only from a Lambda issuer, and an inScopeOf that is not an object as none", () => {
    const text = (readFileSync(TRAIL, "utf8").match(/\{"eventVersion".*?"eventCategory":"Management","tlsDetails":\{[^}]*\}\}/) as RegExpMatchArray)[0];
    expect(eventFromText(text)?.issuedToFunction).toBe(fnArn("us-west-2"));
    expect(eventFromText(text.replace('"AWS::Lambda::Function"', '"AWS::EC2::Instance"'))?.issuedToFunction).toBeNull();
    expect(eventFromText(text.replace(/"inScopeOf":\{[^}]*\}/, '"inScopeOf":"x"'))?.issuedToFunction).toBeNull();
  });

  it("through query rows that carry issued_to_function", () => {
    const acc = new FileAccumulator("rows.json");
    const row = (fnRegion: string | null) => ({
      row_kind: "usage", account_id: ACCT, role_arn: ROLE, session_name: NAME, invoked_by: null, aws_region: "us-east-1", event_source: "ec2.amazonaws.com", event_name: "DescribeInstances",
      error_code: null, calls: "2", first_seen: "2026-08-27T17:58:03Z", last_seen: "2026-08-27T18:58:03Z", ...(fnRegion === null ? {} : { issued_to_function: fnArn(fnRegion) }),
    });
    expect(ingestUsageRow(acc, row("us-west-2"))).toBeNull();
    expect(ingestUsageRow(acc, row(null))).toBeNull();
    expect(acc.finish().principals.map((p) => [p.sessionName, p.functionArn])).toEqual([[NAME, fnArn("us-west-2")], [NAME, null]]);
  });
});

describe("leastrole audit of the multi-region deployment (CLI, the compiled rule pack)", () => {
  it("attributes each copy's calls to it, and a function with records with and without inScopeOf has both as its usage", () => {
    const dir = mkdtempSync(join(tmpdir(), "leastrole-inscope-audit-"));
    const trust = { Version: "2012-10-17", Statement: [{ Effect: "Allow", Principal: { Service: "lambda.amazonaws.com" }, Action: "sts:AssumeRole" }] };
    const policy = { Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: ALLOWED, Resource: "*" }] };
    const iam = {
      RoleDetailList: [{ Path: "/", RoleName: role.name, RoleId: "AROAEXAMPLEEXAMPLE01", Arn: ROLE, CreateDate: "2025-01-01T00:00:00Z", AssumeRolePolicyDocument: trust, RolePolicyList: [{ PolicyName: "ec2-read", PolicyDocument: policy }], AttachedManagedPolicies: [], Tags: [] }],
      UserDetailList: [], GroupDetailList: [], Policies: [],
    };
    writeFileSync(join(dir, "iam.json"), JSON.stringify(iam));
    for (const region of ["us-east-1", "us-west-2"]) {
      const names = region === "us-east-1" ? [NAME, "adl-snapshot-report"] : [NAME];
      mkdirSync(join(dir, "lambda", region), { recursive: true });
      writeFileSync(join(dir, "lambda", region, "functions.json"), JSON.stringify({ Functions: names.map((n) => ({ FunctionName: n, FunctionArn: fnArn(region, n), Runtime: "python3.12", Role: ROLE, Version: "$LATEST", LastModified: "2025-05-01T00:00:00.000+0000" })) }));
    }
    // The fixture's records, and an older call of the us-west-2 copy logged in us-west-2 without
    // inScopeOf (attributed by name and region): two principals of that function.
    const trail = JSON.parse(readFileSync(TRAIL, "utf8")) as { Records: Array<{ [k: string]: unknown }> };
    const older = JSON.parse(JSON.stringify(trail.Records[0])) as { [k: string]: unknown } & { userIdentity: { inScopeOf?: unknown } };
    delete older.userIdentity.inScopeOf;
    Object.assign(older, { eventTime: "2026-08-20T10:00:00Z", awsRegion: "us-west-2", eventName: "DescribeAddresses", eventID: "6eed181e-ef5b-46bd-b440-000000000009", requestParameters: { publicIpsSet: {} } });
    // A call refused in each of the two: one denied-call finding for the function (LR009).
    const refused = (rec: { [k: string]: unknown }, id: string): object => ({ ...rec, eventID: id, eventName: "TerminateInstances", requestParameters: { instancesSet: { items: [{ instanceId: "i-0abc1234" }] } }, errorCode: "Client.UnauthorizedOperation", errorMessage: "You are not authorized to perform this operation." });
    mkdirSync(join(dir, "cloudtrail"));
    writeFileSync(join(dir, "cloudtrail", `${ACCT}_CloudTrail_us-east-1_20260827T2000Z_inscope.json`), JSON.stringify({ Records: [...trail.Records, older, refused(trail.Records[0] as { [k: string]: unknown }, "6eed181e-ef5b-46bd-b440-000000000010"), refused(older, "6eed181e-ef5b-46bd-b440-000000000011")] }));
    const cli = join(__dirname, "..", "..", "dist", "cli.js");
    const run = (command: string, args: string[]) => spawnSync(process.execPath, [cli, command, dir, ...args, "--as-of", "2026-09-01T00:00:00Z"], { encoding: "utf8", env: { ...process.env, NO_COLOR: "1" }, maxBuffer: 1 << 28 });
    const document = JSON.parse(run("normalize", []).stdout) as { usage: { principals: Array<{ functionArn: string | null; sessionKind: string; actions: Array<{ action: string }> }> } };
    const mine = (arn: string | null): string[][] => document.usage.principals.filter((p) => p.functionArn === arn).map((p) => [p.sessionKind, ...p.actions.map((a) => a.action)]).sort();
    expect(mine(fnArn("us-west-2"))).toEqual([["function", "ec2:DescribeAddresses", "ec2:TerminateInstances"], ["function", "ec2:DescribeInstances", "ec2:TerminateInstances"]]);
    expect(mine(fnArn("us-east-1"))).toEqual([["function", "ec2:DescribeRegions"]]);
    expect(mine(null)).toEqual([["other", "ec2:DescribeVolumes"]]);
    // The rules read both principals of the us-west-2 copy as its usage (LR001's evidence): the
    // pair [role, function] is no longer one principal (policies/lib/functions.rego).
    const audit = run("audit", ["--format", "json", "--quiet"]);
    const report = JSON.parse(audit.stdout) as { findings: Array<{ ruleId: string; resource: { arn: string }; message: string; evidence: { usedActions?: { [arn: string]: string[] } } }>; diagnostics: unknown[]; warnings: Array<{ code: string }> };
    expect(report.diagnostics).toEqual([]);
    expect(report.findings.find((f) => f.ruleId === "LR001")?.evidence.usedActions).toEqual({
      [fnArn("us-east-1")]: ["ec2:DescribeRegions"],
      [fnArn("us-east-1", "adl-snapshot-report")]: ["ec2:DescribeSnapshots"],
      [fnArn("us-west-2")]: ["ec2:DescribeAddresses", "ec2:DescribeInstances"],
    });
    expect(report.warnings.map((w) => w.code)).toEqual(["unattributed-sessions", "issued-to-function-not-in-inputs"]);
    expect(report.findings.filter((f) => f.ruleId === "LR009").map((f) => [f.resource.arn, f.message])).toEqual([[fnArn("us-west-2"), `Function ${NAME} made 2 denied calls: ec2:TerminateInstances (2)`]]);
  });
});
