/**
 * A KMS call made by alias (requestParameters.keyId `alias/…` or an alias ARN) is authorised on the
 * key the alias points to, never on the alias (KMS developer guide, "Using aliases to control access
 * to KMS keys": an alias ARN in Resource governs only CreateAlias/UpdateAlias/DeleteAlias). The record
 * is real (fixture test/usage/fixtures/kms-alias, SOURCE.md): a successful call's resources[] gives the
 * key; its refused variant, without resources[], is counted on the key its message names, or on no
 * resource. Before, the refused call was counted on the alias ARN, and generate granted
 * kms:GenerateDataKey on `…:alias/aws/secretsmanager`, which allows nothing.
 */
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { readUsage } from "../../src/usage/index.js";
import { resourcesOf } from "../../src/usage/resources.js";

type Rec = { [k: string]: unknown; resources?: { ARN: string }[]; userIdentity: { arn: string; [k: string]: unknown } };
const published = JSON.parse(readFileSync(join(__dirname, "fixtures/kms-alias/generate-data-key-by-alias.json"), "utf8")) as Rec;
const ACCOUNT = "123837392027";
/** The published record made a Lambda function's call (its userIdentity a session of the function's role, invokedBy kept): nothing else changes. */
const record: Rec = {
  ...published,
  userIdentity: {
    type: "AssumedRole",
    principalId: "AROAEXAMPLEREPORTS:reports",
    arn: `arn:aws:sts::${ACCOUNT}:assumed-role/reports-role/reports`,
    accountId: ACCOUNT,
    accessKeyId: "ASIAEXAMPLEREPORTS",
    sessionContext: { sessionIssuer: { type: "Role", principalId: "AROAEXAMPLEREPORTS", arn: `arn:aws:iam::${ACCOUNT}:role/reports-role`, accountId: ACCOUNT, userName: "reports-role" }, attributes: { creationDate: "2023-07-10T11:00:00Z", mfaAuthenticated: "false" } },
    invokedBy: "secretsmanager.amazonaws.com",
  },
};
const KEY = (record.resources as { ARN: string }[])[0]?.ARN as string;
const ALIAS_ARN = "arn:aws:kms:us-east-1:123837392027:alias/aws/secretsmanager";

/** The record as a refusal: no resources[], KMS's refusal code and message (naming `named`, or nothing). */
function refused(eventID: string, named: string | null): Rec {
  const { resources: _dropped, ...rest } = record;
  void _dropped;
  return {
    ...rest,
    eventID,
    errorCode: "AccessDeniedException",
    errorMessage: named === null ? "Access denied" : `User: ${record.userIdentity.arn} is not authorized to perform: kms:GenerateDataKey on resource: ${named} because no identity-based policy allows the kms:GenerateDataKey action`,
  };
}

async function resourcesByReader(records: Rec[]): Promise<{ [reader: string]: { count: number; resources: string[] } | undefined }> {
  const path = join(mkdtempSync(join(tmpdir(), "leastrole-kms-alias-")), "123837392027_CloudTrail_us-east-1_20230710T1205Z_kms.json");
  writeFileSync(path, JSON.stringify({ Records: records }));
  const out: { [reader: string]: { count: number; resources: string[] } | undefined } = {};
  for (const fastScan of [undefined, "js", false] as const) {
    const u = await readUsage([path], { workers: 1, fastScan });
    const a = u.sessions.flatMap((s) => s.actions).find((x) => x.action === "kms:GenerateDataKey");
    out[String(fastScan)] = a === undefined ? undefined : { count: a.count, resources: a.resources };
  }
  return out;
}

describe("a KMS call made by alias", () => {
  it("names no key by its alias alone (name or ARN); a key id or key ARN is the key", () => {
    const ctx = (keyId: string) => ({ eventSource: "kms.amazonaws.com", region: "us-east-1", accountId: "123837392027", partition: "aws", resources: [], params: { keyId } });
    // Before: the alias's ARN.
    expect(resourcesOf(ctx("alias/aws/secretsmanager"))).toEqual([]);
    expect(resourcesOf(ctx(ALIAS_ARN))).toEqual([]);
    expect(resourcesOf(ctx("dad21b23-9915-42bd-981b-2a9f3c8f20c8"))).toEqual([KEY]);
    expect(resourcesOf(ctx(KEY))).toEqual([KEY]);
    // resources[], when the record has it, is the key (the successful call).
    expect(resourcesOf({ ...ctx("alias/aws/secretsmanager"), resources: [KEY] })).toEqual([KEY]);
  });

  it("every reader counts the refused call on the key its message names, or on none, never on the alias", async () => {
    const byReader = await resourcesByReader([record, refused("refused-named", KEY), refused("refused-unnamed", null)]);
    for (const [reader, a] of Object.entries(byReader)) {
      expect(a?.count, reader).toBe(3);
      // Before: [ALIAS_ARN, KEY].
      expect(a?.resources, reader).toEqual([KEY]);
    }
    const unnamed = await resourcesByReader([refused("refused-unnamed", null)]);
    for (const [reader, a] of Object.entries(unnamed)) expect(a?.resources, reader).toEqual([]);
  });
});
