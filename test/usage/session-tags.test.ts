/**
 * An STS AssumeRole that passes session tags needs sts:TagSession too, one that sets a source
 * identity sts:SetSourceIdentity, both on the role assumed (src/usage/session-tags.ts). The record is
 * AWS's (fixture test/usage/fixtures/session-tags, SOURCE.md), made a Lambda function's call here.
 * Before, every reader counted sts:AssumeRole alone: a role granting sts:TagSession for its
 * function had it labelled unused, and a generated policy without it refused the call.
 */
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { loadActionCatalogSync } from "../../src/iam/index.js";
import { eventToActions } from "../../src/usage/event-actions.js";
import { readUsage } from "../../src/usage/index.js";
import { assumeRoleEventName } from "../../src/usage/session-tags.js";
import { athenaRows, writeRows } from "../support/athena-rows.js";

type Rec = { [k: string]: unknown; requestParameters: { [k: string]: unknown } };
const published = JSON.parse(readFileSync(join(__dirname, "fixtures/session-tags/assume-role-with-tags.json"), "utf8")) as Rec;
const ACCOUNT = "111111111111";
const TARGET = "arn:aws:iam::111111111111:role/JohnRole2";

/** The published record as the function's call, its requestParameters without `drop`. */
function asFunctionCall(eventID: string, drop: string[] = []): Rec {
  const requestParameters = Object.fromEntries(Object.entries(published.requestParameters).filter(([k]) => !drop.includes(k)));
  return {
    ...published,
    eventID,
    requestParameters,
    userIdentity: {
      type: "AssumedRole",
      principalId: "AROAEXAMPLEREPORTS:reports",
      arn: `arn:aws:sts::${ACCOUNT}:assumed-role/reports-role/reports`,
      accountId: ACCOUNT,
      accessKeyId: "ASIAEXAMPLEREPORTS",
      sessionContext: { sessionIssuer: { type: "Role", principalId: "AROAEXAMPLEREPORTS", arn: `arn:aws:iam::${ACCOUNT}:role/reports-role`, accountId: ACCOUNT, userName: "reports-role" }, attributes: { creationDate: "2019-10-02T21:00:00Z", mfaAuthenticated: "false" } },
    },
  };
}

async function actionsByReader(records: Rec[]): Promise<{ [reader: string]: { [action: string]: [number, string[]] } }> {
  const path = join(mkdtempSync(join(tmpdir(), "leastrole-session-tags-")), "111111111111_CloudTrail_us-east-2_20191002T2215Z_sts.json");
  writeFileSync(path, JSON.stringify({ Records: records }));
  const out: { [reader: string]: { [action: string]: [number, string[]] } } = {};
  const read = async (key: string, p: string, fastScan?: "js" | false): Promise<void> => {
    const u = await readUsage([p], { workers: 1, fastScan });
    expect(u.warnings).toEqual([]);
    out[key] = Object.fromEntries(u.sessions.flatMap((s) => s.actions).map((a) => [a.action, [a.count, a.resources]]));
  };
  for (const fastScan of [undefined, "js", false] as const) await read(String(fastScan), path, fastScan);
  // The Athena query's rows (rp_sessiontags), as JSON and as Athena's CSV.
  const rows = writeRows(join(path, ".."), await athenaRows(path));
  await read("athena json", rows.json);
  await read("athena csv", rows.csv);
  return out;
}

describe("AssumeRole with session tags or a source identity", () => {
  it("names the event by what its request passes; each name maps to actions the catalog knows", () => {
    const catalog = loadActionCatalogSync();
    const rp = published.requestParameters;
    expect(assumeRoleEventName("sts.amazonaws.com", "AssumeRole", rp)).toBe("AssumeRole (session tags, source identity)");
    const without = (...keys: string[]) => Object.fromEntries(Object.entries(rp).filter(([k]) => !keys.includes(k)));
    expect(assumeRoleEventName("sts.amazonaws.com", "AssumeRole", without("sourceIdentity"))).toBe("AssumeRole (session tags)");
    expect(assumeRoleEventName("sts.amazonaws.com", "AssumeRole", without("tags"))).toBe("AssumeRole (session tags, source identity)"); // transitiveTagKeys still passes tags
    expect(assumeRoleEventName("sts.amazonaws.com", "AssumeRole", without("tags", "transitiveTagKeys"))).toBe("AssumeRole (source identity)");
    expect(assumeRoleEventName("sts.amazonaws.com", "AssumeRole", without("tags", "transitiveTagKeys", "sourceIdentity"))).toBeNull();
    expect(assumeRoleEventName("sts.amazonaws.com", "AssumeRoleWithWebIdentity", rp)).toBeNull();
    for (const name of ["AssumeRole (session tags)", "AssumeRole (source identity)", "AssumeRole (session tags, source identity)"]) {
      for (const a of eventToActions("sts.amazonaws.com", name).actions) expect(catalog.action(a), a).not.toBeNull();
    }
  });

  it("every reader, and the Athena query's rows, count sts:TagSession and sts:SetSourceIdentity on the role, and AssumeRole alone without them", async () => {
    // Lambda's own AssumeRole of an execution role (userIdentity AWSService) is nobody's call here,
    // and the byte readers do not parse it whole (session-tags.ts parseAssumeRoleWhole): it counts
    // nothing in any reader, with or without tags.
    const lambdaService = { ...published, eventID: "lambda-service", userIdentity: { type: "AWSService", invokedBy: "lambda.amazonaws.com" } };
    const byReader = await actionsByReader([asFunctionCall("tags-and-source"), lambdaService, asFunctionCall("tags-only", ["sourceIdentity"]), asFunctionCall("plain", ["tags", "transitiveTagKeys", "sourceIdentity", "incomingTransitiveTags"])]);
    for (const [reader, actions] of Object.entries(byReader)) {
      // Before: { "sts:AssumeRole": [3, [TARGET]] } alone.
      expect(actions, reader).toEqual({ "sts:AssumeRole": [3, [TARGET]], "sts:TagSession": [2, [TARGET]], "sts:SetSourceIdentity": [1, [TARGET]] });
    }
  });
});
