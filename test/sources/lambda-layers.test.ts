/**
 * Lambda layer versions and their resource-based policies, from files as the AWS CLI and the
 * collectors write them, to LR022. Shapes: the AWS CLI reference's examples of
 * get-layer-version-policy (Sid `xaccount`, an account principal, the layer version ARN as
 * Resource), list-layers and list-layer-versions; the Lambda API reference's
 * AddLayerVersionPermission (an account, `*`, or `*` with an organisation, which Lambda writes as
 * `aws:PrincipalOrgID`). Needs `npm run build:policies` (as `npm test` does).
 */
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { describe, expect, it } from "vitest";
import { auditDocument, buildDocument } from "../../src/index.js";
import { mustRead, readValue } from "./helpers.js";

const ACCOUNT = "123456789012";
const layerArn = (name: string, version: number, account = ACCOUNT) => `arn:aws:lambda:us-east-1:${account}:layer:${name}:${version}`;

/** The policy Lambda writes for add-layer-version-permission (a JSON string, as the API returns it). */
function layerPolicy(arn: string, statements: Array<{ sid: string; principal: string; org?: string }>): { Policy: string; RevisionId: string } {
  return {
    Policy: JSON.stringify({
      Version: "2012-10-17",
      Id: "default",
      Statement: statements.map((s) => ({
        Sid: s.sid,
        Effect: "Allow",
        Principal: s.principal === "*" ? "*" : { AWS: `arn:aws:iam::${s.principal}:root` },
        Action: "lambda:GetLayerVersion",
        Resource: arn,
        ...(s.org ? { Condition: { StringEquals: { "aws:PrincipalOrgID": s.org } } } : {}),
      })),
    }),
    RevisionId: "20b1a6f6-7ed8-4f2c-8f14-7c1e9d9ae2c2",
  };
}

const versionItem = (name: string, version: number) => ({
  LayerVersionArn: layerArn(name, version),
  Version: version,
  Description: "shared code",
  CreatedDate: "2026-10-01T12:00:00.000+0000",
  CompatibleRuntimes: ["python3.12"],
  LicenseInfo: "MIT",
  CompatibleArchitectures: ["x86_64"],
});

function functionWithLayers(name: string, layers: string[]) {
  return {
    FunctionName: name,
    FunctionArn: `arn:aws:lambda:us-east-1:${ACCOUNT}:function:${name}`,
    Runtime: "python3.12",
    Role: `arn:aws:iam::${ACCOUNT}:role/${name}-role`,
    Handler: "app.handler",
    LastModified: "2026-10-02T12:00:00.000+0000",
    Version: "$LATEST",
    PackageType: "Zip",
    Layers: layers.map((Arn) => ({ Arn, CodeSize: 1024 })),
  };
}

function writeTree(files: Record<string, unknown>): string {
  const root = mkdtempSync(join(tmpdir(), "leastrole-layers-"));
  for (const [path, value] of Object.entries(files)) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), JSON.stringify(value, null, 2));
  }
  return root;
}

async function lr022(root: string) {
  const document = await buildDocument([root], { asOf: "2026-11-01T00:00:00Z" });
  const report = auditDocument(document, { today: "2026-11-01" });
  return { document, findings: report.findings.filter((f) => f.ruleId === "LR022") };
}

describe("layer version policies (get-layer-version-policy) to LR022", () => {
  it("reads the policy of the version its Resource names, not taking it for a function's get-policy", () => {
    const fragment = mustRead("policy.json", layerPolicy(layerArn("common", 3), [{ sid: "xaccount", principal: "210987654321" }]));
    expect(fragment.source.kind).toBe("lambda-layer-policy");
    expect(fragment.functionPatches).toEqual([]);
    expect(fragment.layerVersions?.map((l) => [l.arn, l.policy?.Statement[0]?.Sid])).toEqual([[layerArn("common", 3), "xaccount"]]);
    expect(fragment.warnings).toEqual([]);
  });

  it("the policy alone (--query Policy --output text) is read too", () => {
    const policy = JSON.parse(layerPolicy(layerArn("common", 3), [{ sid: "public", principal: "*" }]).Policy) as unknown;
    expect(mustRead("policy.json", policy).source.kind).toBe("lambda-layer-policy");
  });

  it("reports a version anyone may get (high), one shared with an account outside the inputs (medium), and not one shared with the organisation", async () => {
    const root = writeTree({
      "lambda/us-east-1/list-functions.json": { Functions: [functionWithLayers("orders", [layerArn("common", 3)]), functionWithLayers("billing", [layerArn("common", 3), layerArn("org-only", 1)])] },
      "lambda/us-east-1/list-layers.json": { Layers: [{ LayerName: "common", LayerArn: layerArn("common", 3).replace(/:3$/, ""), LatestMatchingVersion: versionItem("common", 3) }] },
      "lambda/us-east-1/list-layer-versions/org-only.json": { LayerVersions: [versionItem("org-only", 1)] },
      "lambda/us-east-1/get-layer-version-policy/common/3.json": layerPolicy(layerArn("common", 3), [
        { sid: "public", principal: "*" },
        { sid: "xaccount", principal: "210987654321" },
      ]),
      "lambda/us-east-1/get-layer-version-policy/org-only/1.json": layerPolicy(layerArn("org-only", 1), [{ sid: "org", principal: "*", org: "o-a1b2c3d4e5" }]),
    });
    const { document, findings } = await lr022(root);
    expect(document.layerVersions?.map((l) => [l.arn, l.functions.length, l.policy?.Statement.length])).toEqual([
      [layerArn("common", 3), 2, 2],
      [layerArn("org-only", 1), 1, 1],
    ]);
    expect(findings.map((f) => [f.severity, f.resource.type, f.resource.name, f.message])).toEqual([
      [
        "high",
        "layer",
        "common:3",
        'Layer common version 3: policy Statement[0] (public) lets every AWS account get the version and download its code (Principal "*" without an aws:PrincipalOrgID or account condition); used by 2 functions of the inputs: billing, orders',
      ],
      ["medium", "layer", "common:3", "Layer common version 3: policy Statement[1] (xaccount) lets account 210987654321, which is not among the inputs' accounts, get the version and download its code; used by 2 functions of the inputs: billing, orders"],
    ]);
    expect(findings[0]!.evidence).toMatchObject({ layerVersionArn: layerArn("common", 3), sid: "public", statementIndex: 0, functions: [`arn:aws:lambda:us-east-1:${ACCOUNT}:function:billing`, `arn:aws:lambda:us-east-1:${ACCOUNT}:function:orders`] });
    // The finding points at the policy, not at the list naming the version.
    expect(findings[0]!.location?.file).toBe(join(root, "lambda/us-east-1/get-layer-version-policy/common/3.json"));
  });

  it("a policy without the version's ARN is paired by its path with the version another input lists", async () => {
    const policy = { Policy: JSON.stringify({ Version: "2012-10-17", Statement: [{ Sid: "public", Effect: "Allow", Principal: "*", Action: "lambda:GetLayerVersion" }] }) };
    const root = writeTree({
      "lambda/us-east-1/list-layer-versions/common.json": { LayerVersions: [versionItem("common", 3), versionItem("common", 2)] },
      "lambda/us-east-1/get-layer-version-policy/common/3.json": policy,
    });
    const { document, findings } = await lr022(root);
    expect(document.layerVersions?.map((l) => [l.arn, l.policy !== null])).toEqual([
      [layerArn("common", 2), false],
      [layerArn("common", 3), true],
    ]);
    expect(findings.map((f) => [f.severity, f.resource.arn])).toEqual([["high", layerArn("common", 3)]]);
  });

  it("a policy naming no version, its path no layer, is said and not judged", async () => {
    const policy = { Policy: JSON.stringify({ Version: "2012-10-17", Statement: [{ Sid: "public", Effect: "Allow", Principal: "*", Action: "lambda:GetLayerVersion" }] }) };
    // Only the path says what it is: a get-layer-version-policy folder, without a version.
    const root = writeTree({ "lambda/us-east-1/get-layer-version-policy.json": policy });
    const { document, findings } = await lr022(root);
    expect(findings).toEqual([]);
    expect(document.layerVersions).toBeUndefined();
    expect(document.meta.warnings.filter((w) => w.code === "unattributable-record").map((w) => w.message)).toEqual([
      expect.stringContaining("cannot tell which layer version this policy belongs to"),
    ]);
  });

  it("a canonical document given back as input keeps its layer versions, their policies and their functions", async () => {
    const root = writeTree({
      "lambda/us-east-1/list-functions.json": { Functions: [functionWithLayers("orders", [layerArn("common", 3)])] },
      "lambda/us-east-1/get-layer-version-policy/common/3.json": layerPolicy(layerArn("common", 3), [{ sid: "public", principal: "*" }]),
    });
    const first = await buildDocument([root], { asOf: "2026-11-01T00:00:00Z" });
    const file = join(root, "..", "document.json");
    writeFileSync(file, JSON.stringify(first));
    const again = await buildDocument([file], { asOf: "2026-11-01T00:00:00Z" });
    expect(again.layerVersions).toEqual(first.layerVersions);
    expect(auditDocument(again, { today: "2026-11-01" }).findings.filter((f) => f.ruleId === "LR022").map((f) => f.severity)).toEqual(["high"]);
  });

  it("a list page that says more follow, with no final page, leaves the inputs partial", () => {
    const { fragment } = readValue("lambda/us-east-1/list-layers.json", { Layers: [], NextMarker: "abc" });
    expect(fragment?.pagination).toEqual({ truncated: true, path: "NextMarker" });
  });

  it("a get-layer-version output names its version and keeps no download link", () => {
    const fragment = mustRead("get-layer-version.json", {
      Content: { Location: "https://awslambda-us-east-1-layers.s3.us-east-1.amazonaws.com/snapshots/123456789012/common-abc?X-Amz-Signature=secret", CodeSha256: "abc=", CodeSize: 169 },
      LayerArn: layerArn("common", 3).replace(/:3$/, ""),
      ...versionItem("common", 3),
    });
    expect(fragment.source.kind).toBe("lambda-layers");
    expect(JSON.stringify(fragment)).not.toContain("X-Amz-Signature");
    expect(fragment.layerVersions?.map((l) => l.arn)).toEqual([layerArn("common", 3)]);
  });
});
