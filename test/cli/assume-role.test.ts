/**
 * `leastrole audit` on an IAM export (get-account-authorization-details, as cloudmapper collected it
 * for its demo account: test/fixtures/assume-role/SOURCE.md) where the Lambda execution role
 * `level1` can assume `bad_role`, which allows `*` on `*`: LR014 critical "Assume a more privileged
 * role", naming the role and why. Variants of the same export (each change said below) check the
 * AWS rules: a trust policy naming the account root needs the caller's own sts:AssumeRole grant, one
 * naming the role does not; an explicit Deny, a less privileged target or a trust that does not
 * name it removes the path; an sts:ExternalId condition makes it high. And a chain of three roles
 * (level1 → level3 → bad_role, role chaining) is reported on level1.
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { packageRoot } from "../../src/evaluate/locate.js";

const root = packageRoot();
const cli = join(root, "dist", "cli.js");
const EXPORT = join(root, "test", "fixtures", "assume-role", "cloudmapper-demo-iam-get-account-authorization-details.json");
const LEVEL1 = "arn:aws:iam::123456789012:role/service-role/level1";
const BAD_ROLE = "arn:aws:iam::123456789012:role/bad_role";

interface Finding {
  ruleId: string;
  severity: string;
  message: string;
  resource: { arn: string };
  evidence: { paths: { id: string; resources: string[]; chains?: string[][]; statements: { policy: string; index: number }[]; conditional: boolean; why: string }[] };
}

beforeAll(() => {
  if (!existsSync(cli)) throw new Error("build first: npm run build");
});

/** LR014 on level1 for the export changed by `edit` (nothing: as published). */
function lr014(edit: (ad: any) => void = () => {}): Finding | undefined {
  const ad = JSON.parse(readFileSync(EXPORT, "utf8"));
  edit(ad);
  const dir = mkdtempSync(join(tmpdir(), "leastrole-assume-"));
  const file = join(dir, "iam-get-account-authorization-details.json");
  writeFileSync(file, JSON.stringify(ad));
  const r = spawnSync(process.execPath, [cli, "audit", file, "--format", "json", "--quiet"], { cwd: root, encoding: "utf8", env: { ...process.env, NO_COLOR: "1" }, maxBuffer: 1 << 26 });
  expect(r.status, r.stderr).toBe(0);
  const out = JSON.parse(r.stdout) as { findings: Finding[] };
  return out.findings.find((f) => f.ruleId === "LR014" && f.resource.arn === LEVEL1);
}

const role = (ad: any, name: string) => ad.RoleDetailList.find((r: any) => r.RoleName === name);
const trustAccount = (ad: any, extra: object = {}) => {
  role(ad, "bad_role").AssumeRolePolicyDocument = { Version: "2012-10-17", Statement: [{ Effect: "Allow", Principal: { AWS: "arn:aws:iam::123456789012:root" }, Action: "sts:AssumeRole", ...extra }] };
};
const grantAssume = (ad: any) => {
  role(ad, "level1").RolePolicyList[0].PolicyDocument.Statement.push({ Effect: "Allow", Action: "sts:AssumeRole", Resource: "arn:aws:iam::123456789012:role/bad_*" });
};

describe("LR014 sts-assume-role on an IAM export", () => {
  it("as published: level1 (Lambda) can assume bad_role, which trusts everyone and is administrator", () => {
    const f = lr014();
    expect(f?.severity).toBe("critical");
    expect(f?.message).toBe(
      'Role level1 has 1 privilege-escalation path: Assume a more privileged role (sts:AssumeRole on arn:aws:iam::123456789012:role/bad_role): bad_role, which trusts everyone (Principal "*") and is administrator (inline policy dostuff allows every action on every resource)',
    );
    // No statement of level1's: its trust policy alone lets it in (the fix is bad_role's trust).
    expect(f?.evidence.paths.map((p) => [p.id, p.resources, p.statements])).toEqual([["sts-assume-role", [BAD_ROLE], []]]);
    // A single hop: the roles assumed are bad_role alone.
    expect(f?.evidence.paths[0]?.chains).toEqual([[BAD_ROLE]]);
  });

  it("trusting the account root: a path only with level1's own sts:AssumeRole grant (a prefix, role/bad_*)", () => {
    expect(lr014((ad) => trustAccount(ad))).toBeUndefined();
    const f = lr014((ad) => {
      trustAccount(ad);
      grantAssume(ad);
    });
    expect(f?.severity).toBe("critical");
    expect(f?.message).toContain("bad_role, which trusts the account 123456789012 and is administrator");
    expect(f?.evidence.paths[0]?.statements).toEqual([{ policy: "inline:level1", sid: null, index: 4 }]);
  });

  it("trusting level1's ARN: a path without any grant of level1's", () => {
    const f = lr014((ad) => {
      role(ad, "bad_role").AssumeRolePolicyDocument.Statement[0].Principal = { AWS: LEVEL1 };
    });
    expect(f?.message).toContain("bad_role, which trusts level1 by its ARN and is administrator");
  });

  it("an explicit Deny of sts:AssumeRole on level1 removes it", () => {
    expect(
      lr014((ad) => {
        role(ad, "level1").RolePolicyList[0].PolicyDocument.Statement.push({ Effect: "Deny", Action: "sts:AssumeRole", Resource: "*" });
      }),
    ).toBeUndefined();
  });

  it("a trust policy that names only a service removes it, whatever level1 is granted", () => {
    expect(
      lr014((ad) => {
        role(ad, "bad_role").AssumeRolePolicyDocument.Statement[0].Principal = { Service: "ec2.amazonaws.com" };
        grantAssume(ad);
      }),
    ).toBeUndefined();
  });

  it("a less privileged target (dostuff allows s3:GetObject only) is not a path", () => {
    expect(
      lr014((ad) => {
        role(ad, "bad_role").RolePolicyList[0].PolicyDocument.Statement = [{ Effect: "Allow", Action: "s3:GetObject", Resource: "*" }];
        role(ad, "bad_role").AttachedManagedPolicies = [];
      }),
    ).toBeUndefined();
  });

  it("a trust condition on sts:ExternalId makes it high", () => {
    const f = lr014((ad) => {
      trustAccount(ad, { Condition: { StringEquals: { "sts:ExternalId": "Unique ID Assigned by Example Corp" } } });
      grantAssume(ad);
    });
    expect(f?.severity).toBe("high");
    expect(f?.evidence.paths[0]?.conditional).toBe(true);
  });
});

/**
 * A chain of three roles in the same export: level1 (Lambda) may assume level3 (the ECS task role,
 * which only lists buckets) because level3's trust names it, and level3 may assume bad_role because
 * bad_role's trust names level3 (in place of everyone): role chaining, so level1 can become
 * administrator through level3, which has no path of its own.
 */
describe("LR014 sts-assume-role through a chain of roles on an IAM export", () => {
  const LEVEL3 = "arn:aws:iam::123456789012:role/level3";
  const chain = (ad: any, trustOfBad: object = { Principal: { AWS: LEVEL3 } }) => {
    role(ad, "level3").AssumeRolePolicyDocument.Statement.push({ Effect: "Allow", Principal: { AWS: LEVEL1 }, Action: "sts:AssumeRole" });
    role(ad, "bad_role").AssumeRolePolicyDocument = { Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: "sts:AssumeRole", ...trustOfBad }] };
  };

  it("level1 → level3 → bad_role: critical on level1, naming level3 (what it assumes), the chain and why bad_role is privileged", () => {
    // Without the chain (bad_role trusting level3 only, level3 not trusting level1): nothing on level1.
    expect(lr014((ad) => (role(ad, "bad_role").AssumeRolePolicyDocument.Statement[0].Principal = { AWS: LEVEL3 }))).toBeUndefined();
    const f = lr014((ad) => chain(ad));
    expect(f?.severity).toBe("critical");
    expect(f?.message).toBe(
      "Role level1 has 1 privilege-escalation path: Assume a more privileged role (sts:AssumeRole on arn:aws:iam::123456789012:role/level3): level3, which trusts level1 by its ARN and can assume bad_role, which trusts level3 by its ARN and is administrator (inline policy dostuff allows every action on every resource) (chain level1 → level3 → bad_role)",
    );
    expect(f?.evidence.paths.map((p) => [p.id, p.resources, p.statements, p.conditional])).toEqual([["sts-assume-role", [LEVEL3], [], false]]);
    // The roles the chain goes through, for a program reading the report: level3, then bad_role.
    expect(f?.evidence.paths[0]?.chains).toEqual([[LEVEL3, BAD_ROLE]]);
  });

  it("bad_role trusting the account: level3's own sts:AssumeRole grant is needed for the second hop", () => {
    const account = { Principal: { AWS: "arn:aws:iam::123456789012:root" } };
    expect(lr014((ad) => chain(ad, account))).toBeUndefined();
    const f = lr014((ad) => {
      chain(ad, account);
      role(ad, "level3").RolePolicyList[0].PolicyDocument.Statement.push({ Effect: "Allow", Action: "sts:AssumeRole", Resource: "arn:aws:iam::123456789012:role/bad_role" });
    });
    expect(f?.message).toContain("level3, which trusts level1 by its ARN and can assume bad_role, which trusts the account 123456789012 and is administrator");
  });

  it("a Deny of sts:AssumeRole in level3's policy breaks the chain", () => {
    expect(
      lr014((ad) => {
        chain(ad);
        role(ad, "level3").RolePolicyList[0].PolicyDocument.Statement.push({ Effect: "Deny", Action: "sts:AssumeRole", Resource: "*" });
      }),
    ).toBeUndefined();
  });

  it("an sts:ExternalId condition in bad_role's trust makes the chain high", () => {
    const f = lr014((ad) => chain(ad, { Principal: { AWS: LEVEL3 }, Condition: { StringEquals: { "sts:ExternalId": "Unique ID Assigned by Example Corp" } } }));
    expect(f?.severity).toBe("high");
    expect(f?.message).toMatch(/\(chain level1 → level3 → bad_role\) \(only under conditions the inputs do not settle\)$/);
  });
});
