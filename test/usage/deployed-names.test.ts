/**
 * deployed-names.ts: a template's functions and roles CloudFormation names at deployment, matched
 * to the sessions of their deployed copies (`<stack>-<LogicalId>-<suffix>`, the "Name type" of
 * https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-properties-name.html).
 * The CLI's end-to-end cases are in test/cli/sam-generated-names.test.ts.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { readCloudFormationTemplate } from "../../src/sources/cloudformation/read-template.js";
import { deployedNamePattern, matchDeployedNames } from "../../src/usage/deployed-names.js";
import type { SessionUsage, UsageAggregate } from "../../src/usage/aggregate.js";
import { labelUsage } from "../../src/usage/labels.js";
import { sessionsLabelsRead } from "../../src/usage/session-filter.js";
import { emptyRoleFacts } from "../../src/iam/index.js";

const session = (accountId: string, roleName: string, sessionName: string, region = "eu-west-1"): SessionUsage => ({
  accountId,
  roleArn: `arn:aws:iam::${accountId}:role/${roleName}`,
  sessionName,
  sessionCount: 1,
  invokedBy: null,
  regions: [region],
  firstSeen: "2026-11-20T08:00:00Z",
  lastSeen: "2026-11-20T08:00:00Z",
  actions: [],
  unmapped: {},
});

const TEMPLATE = `
Transform: AWS::Serverless-2016-10-31
Resources:
  CatalogReader:
    Type: AWS::Serverless::Function
    Properties:
      Runtime: python3.12
      Handler: app.handler
      InlineCode: "def handler(event, context): pass"
`;

function documentOf(options: { stackName?: string; accountId?: string } = {}) {
  const fragment = readCloudFormationTemplate(TEMPLATE, "template.yaml", { region: "eu-west-1", ...options });
  return { functions: fragment.functions, roles: fragment.roles };
}

describe("deployedNamePattern", () => {
  it("a logical ID alone: any stack, then the ID and a suffix", () => {
    const p = deployedNamePattern("CatalogReaderRole", "CatalogReaderRole");
    expect(p !== null && "re" in p && p.re.test("orders-prod-CatalogReaderRole-1A2B3C4D5E6F")).toBe(true);
    expect(p !== null && "re" in p && p.re.test("CatalogReaderRole-1A2B3C4D5E6F")).toBe(false);
  });

  it("<stack>-<LogicalId>: that start and a suffix of 8 or more letters and digits", () => {
    const p = deployedNamePattern("orders-prod-CatalogReaderRole", "CatalogReaderRole");
    expect(p !== null && "re" in p && p.re.test("orders-prod-CatalogReaderRole-1A2B3C4D5E6F")).toBe(true);
    expect(p !== null && "re" in p && p.re.test("orders-dev-CatalogReaderRole-1A2B3C4D5E6F")).toBe(false);
    expect(p !== null && "re" in p && p.re.test("orders-prod-CatalogReaderRole-1A2B")).toBe(false);
  });

  it("a start the reader cut to fit (its digest form) is not guessed at", () => {
    const stackName = `s${"x".repeat(60)}`;
    const [role] = documentOf({ stackName, accountId: "111122223333" }).roles;
    // The reader's digest form: neither the stack nor the end of CloudFormation's name is knowable.
    expect(role?.name.endsWith("-CatalogReaderRole")).toBe(false);
    expect(deployedNamePattern(role?.name ?? "", "CatalogReaderRole")).toBeNull();
  });
});

describe("matchDeployedNames", () => {
  it("a placeholder account: the logs' account, when only one fits", () => {
    const doc = documentOf();
    const s = session("111122223333", "orders-prod-CatalogReaderRole-1A2B3C4D5E6F", "orders-prod-CatalogReader-AbCdEf123456");
    const m = matchDeployedNames([s], doc);
    expect(m.functionOf(s)?.name).toBe("CatalogReader");
    expect(m.documentRoleOf(s)).toBe(doc.roles[0]?.arn);
    expect(m.warnings).toEqual([]);
  });

  it("a placeholder account and one stack in two accounts: ambiguous, nothing attributed", () => {
    const doc = documentOf();
    const a = session("111122223333", "orders-CatalogReaderRole-1A2B3C4D5E6F", "orders-CatalogReader-AbCdEf123456");
    const b = session("444455556666", "orders-CatalogReaderRole-7G8H9I0J1K2L", "orders-CatalogReader-QwErTy098765");
    const m = matchDeployedNames([a, b], doc);
    expect(m.functionOf(a)).toBeNull();
    expect(m.functionOf(b)).toBeNull();
    expect(m.documentRoleOf(a)).toBeNull();
    expect(m.warnings.map((w) => w.code)).toEqual(["ambiguous-deployment"]);
  });

  it("the role of one stack and a session named as another's: no match", () => {
    const doc = documentOf({ accountId: "111122223333" });
    const s = session("111122223333", "orders-prod-CatalogReaderRole-1A2B3C4D5E6F", "orders-dev-CatalogReader-AbCdEf123456");
    expect(matchDeployedNames([s], doc).functionOf(s)).toBeNull();
  });

  it("another account than the template's: no match", () => {
    const doc = documentOf({ accountId: "111122223333" });
    const s = session("444455556666", "orders-CatalogReaderRole-1A2B3C4D5E6F", "orders-CatalogReader-AbCdEf123456");
    expect(matchDeployedNames([s], doc).functionOf(s)).toBeNull();
  });

  it("a deployed role the document holds itself (the account's export read with the template) stays that role's", () => {
    const doc = documentOf({ accountId: "111122223333" });
    const s = session("111122223333", "orders-CatalogReaderRole-1A2B3C4D5E6F", "orders-CatalogReader-AbCdEf123456");
    const exported = { arn: s.roleArn, name: "orders-CatalogReaderRole-1A2B3C4D5E6F", source: null };
    const m = matchDeployedNames([s], { functions: doc.functions, roles: [...doc.roles, exported] });
    expect(m.functionOf(s)).toBeNull();
    expect(m.documentRoleOf(s)).toBeNull();
  });
});

describe("the sessions the labels read (labels.ts sessionsLabelsRead)", () => {
  it("law: leaving out the sessions it refuses changes nothing in the usage section, deployed-name matches and their ambiguity included", () => {
    const accounts = ["111122223333", "444455556666"];
    const roleNames = ["orders-prod-CatalogReaderRole-1A2B3C4D5E6F", "orders-dev-CatalogReaderRole-7G8H9I0J1K2L", "CatalogReaderRole-1A2B3C4D5E6F", "ecs-task-role", "AWSReservedSSO_Admin_0123456789abcdef"];
    const sessionNames = ["orders-prod-CatalogReader-AbCdEf123456", "orders-dev-CatalogReader-QwErTy098765", "CatalogReader", "i-0123456789abcdef0", "alice@example.com", "awslambda_1_2"];
    const pick = fc.record({ account: fc.constantFrom(...accounts), role: fc.constantFrom(...roleNames), name: fc.constantFrom(...sessionNames), region: fc.constantFrom("eu-west-1", "us-east-1") });
    fc.assert(
      fc.property(fc.array(pick, { maxLength: 8 }), fc.boolean(), (picks, named) => {
        const template = documentOf(named ? { stackName: "orders-prod" } : {});
        const doc = { ...template, roles: template.roles.map((r) => ({ ...r, trustsLambda: true, functions: [], facts: { ...emptyRoleFacts(), allowedActions: ["dynamodb:GetItem"], allowedActionCount: 1 } })) };
        const sessions = [...new Map(picks.map((p) => [`${p.account}/${p.role}/${p.name}`, p])).values()].map((p) => ({
          ...session(p.account, p.role, p.name, p.region),
          ...(p.name.startsWith("awslambda_") ? { invokedBy: "lambda.amazonaws.com" } : {}),
          actions: [{ action: "dynamodb:GetItem", count: 1, deniedCount: 0, firstSeen: "2026-11-20T08:00:00Z", lastSeen: "2026-11-20T08:00:00Z", resources: [], resourcesTruncated: false, resourcePrefix: null, errorCodes: {} }],
        }));
        const aggregate: UsageAggregate = {
          kind: "leastrole-usage-aggregate", version: 1, files: [{ path: "t.json", format: "cloudtrail-s3", sha256: "", records: sessions.length, skipped: 0, partialReasons: [] }],
          coverage: { accounts, regions: ["eu-west-1", "us-east-1"], days: ["2026-11-20"], places: [], firstEvent: "2026-11-20T08:00:00Z", lastEvent: "2026-11-20T08:00:00Z", recordsRead: sessions.length, recordsSkipped: 0, duplicatesRemoved: 0, dataEventRecords: 0, management: [], partial: false, partialReasons: [] },
          sessions, functionCreations: [], accessAdvisor: [], accessAnalyzer: [], trails: [], warnings: [],
        };
        const keep = sessionsLabelsRead(doc);
        const all = labelUsage(aggregate, doc);
        expect(labelUsage({ ...aggregate, sessions: sessions.filter((s) => keep(s)) }, doc)).toEqual(all);
        // Every session the section lists is one the filter keeps (the filter keeps more: the sessions
        // the match reads, as two deployed copies that make it ambiguous, are not listed).
        for (const p of all.principals) expect(sessions.some((s) => keep(s) && p.roleArn === s.roleArn && p.sessionName === s.sessionName)).toBe(true);
      }),
      { numRuns: 150 },
    );
  });
});
