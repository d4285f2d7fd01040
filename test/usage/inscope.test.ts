/**
 * Attribution by `userIdentity.inScopeOf`: CloudTrail writes which function Lambda issued the
 * execution-role credentials to (issuerType `AWS::Lambda::Function`, credentialsIssuedTo its ARN).
 * Two functions of one name in us-east-1 and us-west-2 share a role (a multi-region deployment):
 * their calls share the session name, and the us-west-2 function's calls to EC2 in us-east-1 are
 * logged in us-east-1, where the session name alone picked the us-east-1 function. The fixture's
 * records follow the shape of a real 2026 lookup-events output (test/fixtures/cloudtrail-inscope/SOURCE.md).
 */
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
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
  `session ${NAME} of ${ROLE}: CloudTrail says its credentials were issued to ${fnArn("eu-west-1")} (userIdentity.inScopeOf), which the inputs do not hold; its 1 call is attributed to no function (not to a function of the same name elsewhere)`,
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

  it("through lookup-events output (CloudTrailEvent strings parsed whole)", async () => {
    const agg = await readUsage([LOOKUP], { workers: 1 });
    expect(agg.files[0]?.format).toBe("cloudtrail-lookup-events");
    expect(attribution(agg)).toEqual({ section: EXPECTED, warnings: NOT_HELD });
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
