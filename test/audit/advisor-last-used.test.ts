/**
 * IAM Access Advisor reports of a role no function uses (cloudmapper's demo account, in the public
 * corpus: `collect` wrote a report per role, named by its job id, beside the job id files named by
 * role ARN). The labels read reports only for functions' roles; a role without a RoleLastUsed in
 * its IAM export was called by LR016 "never used, or last use not recorded" beside a report saying
 * when it last authenticated. Now its lastUsed is the report's latest time (region unknown), and a
 * date the IAM export gives is kept. Expected values are read off the corpus files.
 */
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { buildDocument } from "../../src/audit/build-document.js";
import { evaluateDocument, loadBuiltinPack } from "../../src/evaluate/index.js";
import { CORPUS } from "../golden/corpus-inputs.js";

const DEMO = join(CORPUS, "cloudmapper-demo-account");
const DATA = join(DEMO, "account-data/demo/us-east-1");
const LEVEL1 = "arn:aws:iam::123456789012:role/service-role/level1";

describe("Access Advisor and the last use of a role no function uses", () => {
  it("level1: no RoleLastUsed in the export, its report's LastAuthenticated is its last use, and LR016 says it", async () => {
    const gaad = JSON.parse(readFileSync(join(DATA, "iam-get-account-authorization-details.json"), "utf8"));
    const exported = gaad.RoleDetailList.find((r: { Arn: string }) => r.Arn === LEVEL1);
    expect(exported.RoleLastUsed ?? {}).toEqual({});
    const job = JSON.parse(readFileSync(join(DATA, "iam-generate-service-last-accessed-details", encodeURIComponent(LEVEL1)), "utf8")).JobId;
    const report = JSON.parse(readFileSync(join(DATA, "iam-get-service-last-accessed-details", job), "utf8"));
    const when = report.ServicesLastAccessed.map((s: { LastAuthenticated: string }) => s.LastAuthenticated).sort().pop();

    const document = await buildDocument([DEMO]);
    const role = document.roles.find((r) => r.arn === LEVEL1)!;
    expect(role.functions).toEqual([]);
    expect(role.lastUsed!.region).toBeNull();
    expect(Date.parse(role.lastUsed!.date!)).toBe(Date.parse(when));

    const { findings } = evaluateDocument(document, [loadBuiltinPack()]);
    const lr016 = findings.filter((f) => f.ruleId === "LR016" && f.resource.arn === LEVEL1);
    expect(lr016).toHaveLength(1);
    expect(lr016[0]!.message).toContain(`(last used ${role.lastUsed!.date})`);
    expect(lr016[0]!.message).not.toContain("never used");
  });

  it("a report cut by its pagination (IsTruncated) is no last use: the services on the pages not given may hold a later one", async () => {
    // GetServiceLastAccessedDetails answers IsTruncated and a Marker while more services follow
    // (IAM API Reference): the latest time of the first page is only a bound on the role's last use,
    // which LR016 would report as the role's last use (stale for so many days).
    const copy = mkdtempSync(join(tmpdir(), "leastrole-advisor-cut-"));
    cpSync(DEMO, copy, { recursive: true });
    const data = join(copy, "account-data/demo/us-east-1");
    const job = JSON.parse(readFileSync(join(data, "iam-generate-service-last-accessed-details", encodeURIComponent(LEVEL1)), "utf8")).JobId;
    const file = join(data, "iam-get-service-last-accessed-details", job);
    writeFileSync(file, JSON.stringify({ ...JSON.parse(readFileSync(file, "utf8")), IsTruncated: true, Marker: "AAEAAAAB" }));
    const document = await buildDocument([copy]);
    expect(document.meta.warnings.filter((w) => w.code === "access-advisor-truncated").map((w) => w.file)).toEqual([file]);
    expect(document.roles.find((r) => r.arn === LEVEL1)!.lastUsed?.date ?? null).toBeNull();
  });
});
