/**
 * IAM Access Advisor and IAM Access Analyzer outputs published in public repositories
 * (test/fixtures/advisor-sweep/SOURCE.md: the AWS CLI's documented examples, botocore's service
 * examples, cloudmapper's demo account as `cloudmapper collect` wrote it), each read by the usage
 * reader. The expected values are read off the files and the API references
 * (GetServiceLastAccessedDetails, ServiceLastAccessed, GetServiceLastAccessedDetailsWithEntities,
 * GetOrganizationsAccessReport, ListFindingsV2, GetFindingV2), never copied from leastrole's output.
 */
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, relative } from "node:path";
import { describe, expect, it } from "vitest";
import { readSourceBytes } from "../../src/sources/read-sources.js";
import { readUsageFile } from "../../src/usage/read-file.js";

const DIR = new URL("../fixtures/advisor-sweep/", import.meta.url).pathname;
const walk = (d: string): string[] => readdirSync(d).flatMap((n) => (statSync(join(d, n)).isDirectory() ? walk(join(d, n)) : [join(d, n)]));
const FILES = walk(DIR).filter((f) => !f.endsWith("SOURCE.md")).map((f) => relative(DIR, f)).sort();
const read = (name: string) => readUsageFile(join(DIR, name));
const warnings = (r: ReturnType<typeof read>) => r.partial.warnings.map((w) => [w.code, w.message]);
const scratch = mkdtempSync(join(tmpdir(), "leastrole-advisor-sweep-"));
let copies = 0;
/** The fixture's content under another name (a role's URL-encoded ARN, as the docs ask), or changed. */
function copyAs(name: string, fileName: string, change?: (doc: any) => unknown): ReturnType<typeof read> {
  const file = join(scratch, String(copies++), fileName);
  mkdirSync(dirname(file), { recursive: true });
  if (change === undefined) copyFileSync(join(DIR, name), file);
  else writeFileSync(file, JSON.stringify(change(JSON.parse(readFileSync(join(DIR, name), "utf8")))));
  return readUsageFile(file);
}
const ROLE = "arn:aws:iam::123456789012:role/service-role/orders-fn-role";
const asRole = `${encodeURIComponent(ROLE)}.json`;

/** What each file is read as. */
const FORMAT: Record<string, string> = {
  "aws-cli-generate-service-last-accessed-details.json": "access-advisor-job",
  "aws-cli-get-finding-v2.json": "access-analyzer",
  "aws-cli-get-organizations-access-report.json": "unrecognised",
  "aws-cli-get-service-last-accessed-details-with-entities.json": "unrecognised",
  "aws-cli-get-service-last-accessed-details.json": "access-advisor",
  "aws-cli-list-findings-v2.json": "access-analyzer",
  "botocore-generate-service-last-accessed-details.json": "access-advisor-job",
  "botocore-get-organizations-access-report.json": "unrecognised",
  "botocore-get-service-last-accessed-details-with-entities.json": "unrecognised",
  "botocore-get-service-last-accessed-details.json": "access-advisor",
  "cloudmapper-demo/us-east-1/iam-generate-service-last-accessed-details/arn%3Aaws%3Aiam%3A%3A123456789012%3Arole%2Fbad_role": "access-advisor-job",
  "cloudmapper-demo/us-east-1/iam-generate-service-last-accessed-details/arn%3Aaws%3Aiam%3A%3A123456789012%3Arole%2Fexfiller": "access-advisor-job",
  "cloudmapper-demo/us-east-1/iam-generate-service-last-accessed-details/arn%3Aaws%3Aiam%3A%3A123456789012%3Arole%2Flevel3": "access-advisor-job",
  "cloudmapper-demo/us-east-1/iam-generate-service-last-accessed-details/arn%3Aaws%3Aiam%3A%3A123456789012%3Arole%2Fservice-role%2Flevel1": "access-advisor-job",
  "cloudmapper-demo/us-east-1/iam-get-service-last-accessed-details/a2b53fd9-88bc-d0b5-1b9a-af9c4af22371": "access-advisor",
  "cloudmapper-demo/us-east-1/iam-get-service-last-accessed-details/a2b53fd9-88bc-d0b5-1b9a-af9c4af22373": "access-advisor",
  "cloudmapper-demo/us-east-1/iam-get-service-last-accessed-details/a2b53fd9-88bc-d0b5-1b9a-af9c4af22374": "access-advisor",
  "cloudmapper-demo/us-east-1/iam-get-service-last-accessed-details/a2b53fd9-88bc-d0b5-1b9a-af9c4af22375": "access-advisor",
};

describe("Access Advisor and Access Analyzer outputs published in public repositories", () => {
  it("holds every file with a SOURCE entry, each read as what it is, none read as CloudTrail", () => {
    expect(FILES).toEqual(Object.keys(FORMAT).sort());
    const source = readFileSync(join(DIR, "SOURCE.md"), "utf8");
    for (const file of FILES) {
      expect(source, file).toContain(`\`${file.startsWith("cloudmapper-demo/") ? "cloudmapper-demo/" : file}\``);
      const r = read(file);
      expect([file, r.partial.format, r.partial.records]).toEqual([file, FORMAT[file], 0]);
    }
  });

  it("the AWS CLI's get-service-last-accessed-details example (a user's entity, 6 entities: a policy's report) names no role: read, and said", () => {
    const r = read("aws-cli-get-service-last-accessed-details.json");
    expect(r.accessAdvisor.map((a) => [a.roleArn, a.jobType, a.createdAt, a.completedAt, a.services])).toEqual([
      [null, "SERVICE_LEVEL", "2019-10-01T03:50:35Z", null, [{ namespace: "lambda", lastAuthenticated: "2019-09-30T23:02:00Z", actions: null }]],
    ]);
    expect(warnings(r).map(([code]) => code)).toEqual(["access-advisor-role-unknown"]);
  });

  it("botocore's GetServiceLastAccessedDetails example (a policy's report): IAM accessed by a user, S3 by no one (TotalAuthenticatedEntities 0, no LastAuthenticated)", () => {
    const r = read("botocore-get-service-last-accessed-details.json");
    expect(r.accessAdvisor.map((a) => [a.roleArn, a.createdAt, a.completedAt, a.services])).toEqual([
      [null, "2018-10-24T19:47:31Z", "2018-10-24T19:47:35Z", [
        { namespace: "iam", lastAuthenticated: "2018-10-24T19:11:00Z", actions: null },
        { namespace: "s3", lastAuthenticated: null, actions: null },
      ]],
    ]);
    expect(warnings(r).map(([code]) => code)).toEqual(["access-advisor-role-unknown"]);
  });

  it("either example saved under a role's name (or given the role's Arn) is not that role's report: left out, with why", () => {
    // Before, both were merged as the role's report: a user's access to IAM was the role's use,
    // and S3, which no entity with the policy accessed, unused for the role.
    const cases: [string, ReturnType<typeof read>, string][] = [
      ["aws-cli-get-service-last-accessed-details.json", copyAs("aws-cli-get-service-last-accessed-details.json", asRole), "it names arn:aws:iam::123456789012:user/admin as the entity that accessed services"],
      ["botocore-get-service-last-accessed-details.json", copyAs("botocore-get-service-last-accessed-details.json", asRole), "it names arn:aws:iam::123456789012:user/AWSExampleUser01 as the entity that accessed services"],
      ["botocore, Arn of the role", copyAs("botocore-get-service-last-accessed-details.json", "report.json", (d) => ({ Arn: ROLE, ...d })), "it names arn:aws:iam::123456789012:user/AWSExampleUser01 as the entity that accessed services"],
      // Without the entity's name, its count still says: a role's report counts the role alone.
      ["botocore, entity left out", copyAs("botocore-get-service-last-accessed-details.json", asRole, (d) => ({ ...d, ServicesLastAccessed: d.ServicesLastAccessed.map(({ LastAuthenticatedEntity: _e, ...s }: any) => s) })), "its service iam was accessed by 2 entities (TotalAuthenticatedEntities), where a role's report counts the role alone (a policy's, a group's or a user's report counts several)"],
    ];
    for (const [name, r, why] of cases) {
      expect([name, r.accessAdvisor, r.partial.partialReasons]).toEqual([name, [], []]);
      expect([name, warnings(r)]).toEqual([name, [["access-advisor-role-mismatch", `Access Advisor output is taken to be about ${ROLE} (file name or Arn), but ${why}: the report is left out; name the file after the role the job was generated for`]]]);
    }
  });

  it("cloudmapper's demo account: each report's role from the sibling generate file holding its JobId; the one whose entity is another role is left out", () => {
    const base = "cloudmapper-demo/us-east-1/iam-get-service-last-accessed-details/a2b53fd9-88bc-d0b5-1b9a-af9c4af2237";
    const logs = [{ namespace: "logs", lastAuthenticated: "2019-04-15T04:19:00Z", actions: null }];
    const report = (n: number) => read(`${base}${n}`);
    // The job of role/exfiller names role/service-role/level1 (a sanitisation leftover): not exfiller's.
    expect([report(1).accessAdvisor, warnings(report(1))]).toEqual([[], [["access-advisor-role-mismatch", "Access Advisor output is taken to be about arn:aws:iam::123456789012:role/exfiller (file name or Arn), but it names arn:aws:iam::123456789012:role/service-role/level1 as the entity that accessed services: the report is left out; name the file after the role the job was generated for"]]]);
    // bad_role's generate file has no path, its entity has /service-role/: the same role (account and name).
    for (const [n, role] of [[3, "arn:aws:iam::123456789012:role/bad_role"], [4, "arn:aws:iam::123456789012:role/service-role/level1"], [5, "arn:aws:iam::123456789012:role/level3"]] as const) {
      const r = report(n);
      expect([n, warnings(r)]).toEqual([n, []]);
      expect(r.accessAdvisor.map((a) => [a.roleArn, a.jobType, a.createdAt, a.completedAt, a.services])).toEqual([[role, "SERVICE_LEVEL", "2019-05-03T21:56:43Z", "2019-05-03T21:56:43Z", logs]]);
    }
  });

  it("the generate outputs hold only a JobId: read, nothing to use, nothing to say", () => {
    for (const file of FILES.filter((f) => FORMAT[f] === "access-advisor-job")) {
      const r = read(file);
      expect([file, r.accessAdvisor, warnings(r), r.partial.partialReasons]).toEqual([file, [], [], []]);
    }
  });

  it("external-access findings (list-findings-v2, get-finding-v2) hold no unused access: read, none kept, nothing said", () => {
    for (const file of ["aws-cli-list-findings-v2.json", "aws-cli-get-finding-v2.json"]) {
      const r = read(file);
      expect([file, r.accessAnalyzer, warnings(r)]).toEqual([file, [], []]);
    }
  });

  it("outputs that name no role's services are said for what they are, with what to give instead, where the audit meets them (the account readers)", () => {
    // The audit sends files without ServicesLastAccessed or an unused-access findingType to the
    // account readers (route-inputs.ts). Before, each was "not an input leastrole reads" and the
    // list of every input, as if a file of another tool.
    const said = (file: string) => readSourceBytes(join(DIR, file), readFileSync(join(DIR, file)), { explicit: true }).warnings.map((w) => [w.code, w.message]);
    const withEntities = "aws iam get-service-last-accessed-details-with-entities output lists the entities that accessed one service (EntityDetailsList), not a role's services: give the output of aws iam get-service-last-accessed-details --job-id … for a job generated for the role (aws iam generate-service-last-accessed-details --arn <role ARN>)";
    const organizations = "aws iam get-organizations-access-report output is an AWS Organizations entity's report (AccessDetails: an account's, an OU's or the organization's), not a role's: give the output of aws iam get-service-last-accessed-details --job-id … for a job generated for the role (aws iam generate-service-last-accessed-details --arn <role ARN>)";
    const external = "IAM Access Analyzer findings of ExternalAccess hold no unused-access data and are not read: give list-findings-v2 or get-finding-v2 output of an unused-access analyzer (aws accessanalyzer get-finding-v2 --analyzer-arn … --id … for each UnusedPermission finding)";
    for (const [file, message] of [
      ["aws-cli-get-service-last-accessed-details-with-entities.json", withEntities],
      ["botocore-get-service-last-accessed-details-with-entities.json", withEntities],
      ["aws-cli-get-organizations-access-report.json", organizations],
      ["botocore-get-organizations-access-report.json", organizations],
      ["aws-cli-list-findings-v2.json", external],
      ["aws-cli-get-finding-v2.json", external],
    ]) {
      expect([file, said(file as string)]).toEqual([file, [["unrecognized-input", `skipped: ${message}`]]]);
    }
  });

  it("the same external-access findings as AWS Tools for PowerShell writes them (Get-IAMAAFindingV2, Get-IAMAAFindingsV2List | ConvertTo-Json) are said the same way", () => {
    // Before: "not an input leastrole reads" and the list of every input (PascalCase keys, enums as {"Value": …}).
    const summary = { AnalyzedAt: "2026-11-28T07:00:00+01:00", CreatedAt: "2026-11-28T07:00:00+01:00", Error: null, FindingType: { Value: "ExternalAccess" }, Id: "e-1", Resource: "arn:aws:iam::111122223333:role/Cognito_testpoolAuth_Role", ResourceOwnerAccount: "111122223333", ResourceType: { Value: "AWS::IAM::Role" }, Status: { Value: "ACTIVE" }, UpdatedAt: "2026-11-28T07:00:00+01:00" };
    const finding = { ...summary, FindingDetails: [{ ExternalAccessDetails: { Action: ["sts:AssumeRoleWithWebIdentity"], IsPublic: false, Principal: { Federated: "cognito-identity.amazonaws.com" } }, UnusedPermissionDetails: null }], NextToken: null };
    const external = "IAM Access Analyzer findings of ExternalAccess hold no unused-access data and are not read: give list-findings-v2 or get-finding-v2 output of an unused-access analyzer (aws accessanalyzer get-finding-v2 --analyzer-arn … --id … for each UnusedPermission finding)";
    for (const [name, value] of [["Get-IAMAAFindingsV2List.json", [summary, { ...summary, Id: "e-2" }]], ["Get-IAMAAFindingV2.json", finding]] as const) {
      const warnings = readSourceBytes(join(scratch, name), JSON.stringify(value, null, 4), { explicit: true }).warnings.map((w) => [w.code, w.message]);
      expect([name, warnings]).toEqual([name, [["unrecognized-input", `skipped: ${external}`]]]);
    }
  });

  it("a bare list of services (get-service-last-accessed-details --query ServicesLastAccessed, as a public script writes it) is said, with what to give", () => {
    // Before: "not an input leastrole reads" and the list of every input.
    const services = JSON.parse(readFileSync(join(DIR, "botocore-get-service-last-accessed-details.json"), "utf8")).ServicesLastAccessed;
    const warnings = readSourceBytes(join(scratch, "access_details.json"), JSON.stringify(services, null, 4), { explicit: true }).warnings.map((w) => [w.code, w.message]);
    expect(warnings).toEqual([[
      "unrecognized-input",
      "skipped: a bare ServicesLastAccessed list (aws iam get-service-last-accessed-details narrowed by --query): without the output around it, the job's JobCreationDate and JobStatus are lost, so the services cannot be placed against the window; give the whole output",
    ]]);
  });
});
