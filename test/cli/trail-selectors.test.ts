/**
 * The trail's event selectors given with the demo account's logs, through the built CLI: the file
 * is routed to the usage readers, and LR008 follows what the trail logs. With S3 and DynamoDB data
 * events logged for every resource, the data-event actions the functions never called are unused,
 * not unknowable; with a WriteOnly trail, the reads are unknowable and the audit says why.
 */
import { spawnSync } from "node:child_process";
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { packageRoot } from "../../src/evaluate/locate.js";

const root = packageRoot();
const cli = join(root, "dist", "cli.js");
const TRAIL = "arn:aws:cloudtrail:us-east-1:111122223333:trail/management-events";

type Report = { findings: Array<{ ruleId: string; resource: { name: string }; evidence: { unused?: string[]; unknowable?: number } }>; warnings: Array<{ code: string; message: string }> };

function audit(selectors: object | null): Report {
  const dir = mkdtempSync(join(tmpdir(), "lr-cli-selectors-"));
  cpSync(join(root, "examples", "demo-account"), dir, { recursive: true });
  // The demo's own selectors (data events of every resource) out: each case gives its own, or none.
  rmSync(join(dir, "cloudtrail", "get-event-selectors"), { recursive: true, force: true });
  // Where collect writes them (docs/collect.md), as the AWS CLI prints them.
  if (selectors !== null) writeFileSync(join(dir, "cloudtrail", "get-event-selectors.json"), JSON.stringify(selectors, null, 4));
  const r = spawnSync(process.execPath, [cli, "audit", dir, "--format", "json"], { encoding: "utf8", env: { ...process.env, NO_COLOR: "1" }, maxBuffer: 1 << 28 });
  expect(r.status, r.stderr).toBe(0);
  return JSON.parse(r.stdout) as Report;
}

const lr008 = (r: Report, name: string) => r.findings.find((f) => f.ruleId === "LR008" && f.resource.name === name)?.evidence;

beforeAll(() => {
  if (!existsSync(cli)) throw new Error("build first: npm run build");
});

describe("leastrole audit with the trail's event selectors", () => {
  it("judges the data events the selectors log for every resource", () => {
    const before = audit(null);
    const after = audit({
      TrailARN: TRAIL,
      EventSelectors: [{ ReadWriteType: "All", IncludeManagementEvents: true, ExcludeManagementEventSources: [], DataResources: [{ Type: "AWS::S3::Object", Values: ["arn:aws:s3"] }, { Type: "AWS::DynamoDB::Table", Values: ["arn:aws:dynamodb"] }] }],
    });
    // billing-sync's DynamoDB item actions it never called: unknowable before, unused now.
    expect(lr008(before, "billing-sync")?.unused).not.toContain("dynamodb:Scan");
    expect(lr008(after, "billing-sync")?.unused).toContain("dynamodb:Scan");
    expect(lr008(after, "billing-sync")?.unknowable ?? 0).toBeLessThan(lr008(before, "billing-sync")?.unknowable ?? 0);
    // reports-generator (AmazonS3FullAccess): its unused S3 object actions are named.
    expect(lr008(before, "reports-generator")?.unused).not.toContain("s3:DeleteObject");
    expect(lr008(after, "reports-generator")?.unused).toContain("s3:DeleteObject");
  });

  it("judges the writes of a trail logging write data events only, not its reads", () => {
    // A common saving: S3 data events of every bucket, writes only (ReadWriteType WriteOnly).
    const r = audit({
      TrailARN: TRAIL,
      EventSelectors: [
        { ReadWriteType: "All", IncludeManagementEvents: true, ExcludeManagementEventSources: [], DataResources: [] },
        { ReadWriteType: "WriteOnly", IncludeManagementEvents: false, ExcludeManagementEventSources: [], DataResources: [{ Type: "AWS::S3::Object", Values: ["arn:aws:s3"] }] },
      ],
    });
    // reports-generator (AmazonS3FullAccess): its unused S3 object writes are named; before, unknowable.
    const unused = lr008(r, "reports-generator")?.unused ?? [];
    expect(unused).toContain("s3:DeleteObject");
    expect(unused).not.toContain("s3:GetObjectTagging");
    expect(lr008(audit(null), "reports-generator")?.unused).not.toContain("s3:DeleteObject");
  });

  it("takes a WriteOnly trail's word: reads are unknowable, and the audit says why", () => {
    const r = audit({ TrailARN: TRAIL, EventSelectors: [{ ReadWriteType: "WriteOnly", IncludeManagementEvents: true, ExcludeManagementEventSources: [], DataResources: [] }] });
    const w = r.warnings.find((x) => x.code === "trail-management-events-excluded");
    expect(w?.message).toContain(`the event selectors of ${TRAIL} says the trail does not log read management events`);
    const reads = (u: string[] | undefined) => (u ?? []).filter((a) => /:(Get|List|Describe)/.test(a));
    // Without the selectors the logs judge reads: billing-sync's unused ones include some.
    expect(reads(lr008(audit(null), "billing-sync")?.unused).length).toBeGreaterThan(0);
    for (const name of ["billing-sync", "orders-api", "reports-generator"]) {
      expect(lr008(r, name)?.unused, name).toBeDefined();
      expect(reads(lr008(r, name)?.unused), name).toEqual([]);
    }
  });
  it("a trail whose selectors select no management event: one warning naming the trail once, saying what is not logged and what to do", () => {
    // The AWS CLI's put-event-selectors example 3 made a data-events-only trail (IncludeManagementEvents
    // false): test/fixtures/event-selectors/SOURCE.md. Before, one warning said "the event selectors of
    // <trail> says the trail does not log …" three times over (reads, writes, KMS), and not what to do.
    const selectors = JSON.parse(readFileSync(join(root, "test", "fixtures", "event-selectors", "cli-all-s3-lambda-readonly-data-only.json"), "utf8")) as { TrailARN: string };
    const gaps = audit(selectors).warnings.filter((x) => x.code === "trail-management-events-excluded");
    expect(gaps.length).toBe(1);
    const message = gaps[0]?.message ?? "";
    expect(message.split(selectors.TrailARN).length - 1).toBe(1);
    expect(message).toMatch(/^according to the event selectors of \S+, the trail logs no management events \(no read, no write, no AWS KMS event\)/);
    expect(message).toContain("aws cloudtrail put-event-selectors");
    expect(message).toContain("give that trail's event selectors (aws cloudtrail get-event-selectors)");
    // What collect writes for a trail moto made without selectors: both lists empty, the same warning.
    const none = audit({ TrailARN: TRAIL, EventSelectors: [], AdvancedEventSelectors: [] }).warnings.filter((x) => x.code === "trail-management-events-excluded");
    expect(none.map((w) => w.message)).toEqual([message.replace(selectors.TrailARN, TRAIL)]);
  });
});
