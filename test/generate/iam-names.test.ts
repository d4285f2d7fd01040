/**
 * IAM calls on an existing user, group or role by name (CreateAccessKey, GetRole, AddUserToGroup):
 * the request names the entity without its path, and its ARN holds the path. Real records (the
 * CloudTrail sweep's ct-53 Stratus Red Team CreateAccessKey, ct-49 Invictus GetRole, ct-13
 * CloudTrail user guide AddUserToGroup: test/fixtures/cloudtrail-sweep/SOURCE.md), made calls of
 * this test's function as the sweep makes them calls of its own, go through readUsage → labelUsage →
 * generatePolicy. Before, these calls named no resource, and the policy granted iam:CreateAccessKey
 * on user/*: a function that rotates one user's keys could make keys for every user.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { generatePolicy } from "../../src/generate/index.js";
import { emptyRoleFacts, evaluateRequest, loadActionCatalogSync } from "../../src/iam/index.js";
import type { CanonicalDocument, PolicyDocument, Principal } from "../../src/model/document.js";
import { labelUsage, readUsage } from "../../src/usage/index.js";
import { ACCOUNT, document, lambdaFunction, REGION, role, roleArn } from "./fixtures.js";

const catalog = loadActionCatalogSync();
const ROLE = roleArn("keys-role");
const fn = lambdaFunction("key-rotator", ROLE);
const A = `arn:aws:iam::${ACCOUNT}`;

const USER = "stratus-red-team-backdoor-u-user";
const ROLE_NAME = "stratus-red-team-ec2-get-password-data-role";

type Rec = { [k: string]: unknown; userIdentity: { [k: string]: unknown; principalId: string } };
const sweep = (JSON.parse(readFileSync(join(__dirname, "../fixtures/cloudtrail-sweep/records.json"), "utf8")) as { Records: Rec[] }).Records;

/** The sweep's record of `fn`, as a call of key-rotator in this test's account and Region. */
function asOurs(sweepFn: string, i: number): Rec {
  const rec = sweep.find((r) => r.userIdentity.principalId.endsWith(`:${sweepFn}`));
  if (rec === undefined) throw new Error(`no sweep record ${sweepFn}`);
  return {
    ...rec,
    userIdentity: {
      type: "AssumedRole",
      principalId: "AROAEXAMPLEEXAMPLE01:key-rotator",
      arn: `arn:aws:sts::${ACCOUNT}:assumed-role/keys-role/key-rotator`,
      accountId: ACCOUNT,
      sessionContext: { sessionIssuer: { type: "Role", principalId: "AROAEXAMPLEEXAMPLE01", arn: ROLE, accountId: ACCOUNT, userName: "keys-role" } },
    },
    eventTime: `2026-10-0${1 + i}T10:00:00Z`,
    eventID: `00000000-0000-0000-0000-00000000000${i}`,
    awsRegion: REGION,
    recipientAccountId: ACCOUNT,
  };
}

function principal(type: "user" | "group", path: string, name: string): Principal {
  return { arn: `${A}:${type}${path}${name}`, type, name, accountId: ACCOUNT, inlinePolicies: [], attachedPolicies: [], groups: [], permissionsBoundaryArn: null, tags: {}, source: null, facts: emptyRoleFacts() };
}

async function generateWith(entities: (doc: CanonicalDocument) => void) {
  const d = mkdtempSync(join(tmpdir(), "leastrole-iam-names-"));
  try {
    const recs = [asOurs("ct-53-iam-createaccesskey", 1), asOurs("ct-49-iam-getrole-by-name", 2), asOurs("ct-13-iam-addusertogroup", 3)];
    writeFileSync(join(d, `${ACCOUNT}_CloudTrail_${REGION}_20261001T1000Z_k.json`), JSON.stringify({ Records: recs }));
    const doc = document([fn], [role(ROLE, [fn.arn])]);
    entities(doc);
    doc.usage = labelUsage(await readUsage([d], { workers: 1 }), doc, { windowDays: 30 });
    return generatePolicy(doc, fn.arn, { windowDays: 30 }, catalog);
  } finally {
    rmSync(d, { recursive: true, force: true });
  }
}

const allowed = (p: PolicyDocument, a: string, r: string): boolean => evaluateRequest({ identityPolicies: [p], request: { action: a, resource: r } }).decision === "allowed";

describe("IAM calls on a user, group or role by name", () => {
  it("without the entity in the inputs: granted on it under any path, and on no other user, group or role", async () => {
    const g = await generateWith(() => {});
    for (const r of [`${A}:user/${USER}`, `${A}:user/backdoor/${USER}`, `${A}:user/a/b/${USER}`]) expect(allowed(g.policy, "iam:CreateAccessKey", r), r).toBe(true);
    for (const r of [`${A}:user/admin`, `${A}:user/x-${USER}`, `${A}:user/backdoor/x-${USER}`, `${A}:user/${USER}2`, "arn:aws:iam::999999999999:user/" + USER]) expect(allowed(g.policy, "iam:CreateAccessKey", r), r).toBe(false);
    for (const r of [`${A}:role/${ROLE_NAME}`, `${A}:role/service-role/${ROLE_NAME}`]) expect(allowed(g.policy, "iam:GetRole", r), r).toBe(true);
    expect(allowed(g.policy, "iam:GetRole", ROLE)).toBe(false);
    // AddUserToGroup is authorised on the group: admin, at any path; not the user, not another group.
    for (const r of [`${A}:group/admin`, `${A}:group/ops/admin`]) expect(allowed(g.policy, "iam:AddUserToGroup", r), r).toBe(true);
    for (const r of [`${A}:group/admins`, `${A}:group/ops/superadmin`]) expect(allowed(g.policy, "iam:AddUserToGroup", r), r).toBe(false);
    expect(g.warnings.filter((w) => w.code === "no-resource-recorded")).toEqual([]);
    expect(g.statements.filter((s) => s.actions.includes("iam:CreateAccessKey")).flatMap((s) => s.resources)).toEqual([`${A}:user/*/${USER}`, `${A}:user/${USER}`]);
  });

  it("with the entity in the inputs (the IAM export's path): granted on its ARN alone", async () => {
    const g = await generateWith((doc) => {
      doc.principals = [principal("group", "/", "admin"), principal("user", "/backdoor/", USER)];
      doc.roles = [...doc.roles, role(`${A}:role/stratus/${ROLE_NAME}`, [])].sort((a, b) => (a.arn < b.arn ? -1 : 1));
    });
    const on = (action: string): string[] => g.statements.filter((s) => s.actions.includes(action)).flatMap((s) => s.resources);
    expect(on("iam:CreateAccessKey")).toEqual([`${A}:user/backdoor/${USER}`]);
    expect(on("iam:GetRole")).toEqual([`${A}:role/stratus/${ROLE_NAME}`]);
    expect(on("iam:AddUserToGroup")).toEqual([`${A}:group/admin`]);
    expect(allowed(g.policy, "iam:CreateAccessKey", `${A}:user/${USER}`)).toBe(false);
  });

  it("a name two inputs put under different paths keeps the any-path patterns", async () => {
    const g = await generateWith((doc) => {
      doc.principals = [principal("user", "/backdoor/", USER), principal("user", "/other/", USER)];
    });
    for (const r of [`${A}:user/backdoor/${USER}`, `${A}:user/other/${USER}`]) expect(allowed(g.policy, "iam:CreateAccessKey", r), r).toBe(true);
    expect(allowed(g.policy, "iam:CreateAccessKey", `${A}:user/backdoor/x`)).toBe(false);
  });
});
