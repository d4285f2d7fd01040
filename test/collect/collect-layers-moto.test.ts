/**
 * collect fetches the account's layers, their versions and each version's policy
 * (ListLayers, ListLayerVersions, GetLayerVersionPolicy) from moto's server mode (moto 5.2
 * implements all three, and AddLayerVersionPermission, with the layer version ARN as each
 * statement's Resource as Lambda writes it), and audit reads them back for LR022. A version
 * without a policy answers ResourceNotFoundException: no file, no failure.
 */

import { CreateRoleCommand, IAMClient } from "@aws-sdk/client-iam";
import { AddLayerVersionPermissionCommand, CreateFunctionCommand, LambdaClient, PublishLayerVersionCommand } from "@aws-sdk/client-lambda";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { auditDocument } from "../../src/audit/audit-document.js";
import { buildDocument } from "../../src/audit/build-document.js";
import { collect, type CollectManifest } from "../../src/collect/index.js";
import { startMoto, TEST_CREDENTIALS, type MotoServer } from "./support/moto.js";
import { filesUnder, json, outDirs } from "./support/out-dirs.js";
import { ACCOUNT } from "./support/seed.js";
import { zipOf } from "./support/zip.js";

let moto: MotoServer;
const { outDir, removeAll } = outDirs("leastrole-collect-layers-");
const CODE = zipOf({ "python/shared.py": "CONFIG = {}\n" });
const layerArn = (name: string, version: number) => `arn:aws:lambda:us-east-1:${ACCOUNT}:layer:${name}:${version}`;

beforeAll(async () => {
  moto = startMoto();
  const common = { endpoint: moto.endpoint, credentials: TEST_CREDENTIALS, region: "us-east-1" };
  const iam = new IAMClient(common);
  const lambda = new LambdaClient(common);
  try {
    const role = await iam.send(
      new CreateRoleCommand({ RoleName: "fn-role", AssumeRolePolicyDocument: JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Principal: { Service: "lambda.amazonaws.com" }, Action: "sts:AssumeRole" }] }) }),
    );
    // common:1 shared with everyone, common:2 with one other account, private:1 with nobody.
    for (const name of ["common", "common", "private"]) {
      await lambda.send(new PublishLayerVersionCommand({ LayerName: name, Content: { ZipFile: CODE }, CompatibleRuntimes: ["python3.12"] }));
    }
    await lambda.send(new AddLayerVersionPermissionCommand({ LayerName: "common", VersionNumber: 1, StatementId: "public", Action: "lambda:GetLayerVersion", Principal: "*" }));
    await lambda.send(
      new AddLayerVersionPermissionCommand({ LayerName: "common", VersionNumber: 2, StatementId: "partner", Action: "lambda:GetLayerVersion", Principal: "arn:aws:iam::210987654321:root" }),
    );
    await lambda.send(
      new CreateFunctionCommand({ FunctionName: "orders", Runtime: "python3.12", Handler: "index.handler", Role: role.Role?.Arn, Code: { ZipFile: CODE }, Layers: [layerArn("common", 1)] }),
    );
  } finally {
    iam.destroy();
    lambda.destroy();
  }
});

afterAll(() => {
  moto?.stop();
  removeAll();
});

describe("collect: layer versions and their policies", () => {
  let out: string;
  let manifest: CollectManifest;

  beforeAll(async () => {
    out = outDir();
    ({ manifest } = await collect({ endpoint: moto.endpoint, credentials: TEST_CREDENTIALS, throttleBaseMs: 1, out, regions: ["us-east-1"] }));
  });

  it("writes the layer list, each layer's versions and the policy of each version that has one", () => {
    expect(filesUnder(out, "lambda/us-east-1").filter((f) => f.includes("layer"))).toEqual([
      "lambda/us-east-1/get-layer-version-policy/common/1.json",
      "lambda/us-east-1/get-layer-version-policy/common/2.json",
      "lambda/us-east-1/list-layer-versions/common.json",
      "lambda/us-east-1/list-layer-versions/private.json",
      "lambda/us-east-1/list-layers.json",
    ]);
    // The policy as Lambda returns it: a JSON string naming the version in its Resource.
    const policy = json(out, "lambda/us-east-1/get-layer-version-policy/common/1.json");
    expect(typeof policy.Policy).toBe("string");
    expect(JSON.parse(policy.Policy).Statement).toEqual([{ Sid: "public", Effect: "Allow", Principal: "*", Action: "lambda:GetLayerVersion", Resource: layerArn("common", 1) }]);
    // No download link on disk.
    expect(JSON.stringify(json(out, "lambda/us-east-1/list-layer-versions/common.json"))).not.toContain("Location");
    // private:1 has no policy: ResourceNotFoundException is no failure.
    expect(manifest.calls.find((c) => c.id === "us-east-1/lambda:GetLayerVersionPolicy/private:1")).toMatchObject({ status: "ok", absent: true, files: [] });
    expect(manifest.calls.filter((c) => c.id.includes("Layer") && c.status === "failed")).toEqual([]);
  });

  it("audit reads them back: LR022 on the public version (naming the function that runs it) and on the one shared with another account", async () => {
    const document = await buildDocument([out]);
    expect(document.layerVersions?.map((l) => [l.arn, l.functions, l.policy?.Statement.length ?? 0])).toEqual([
      [layerArn("common", 1), [`arn:aws:lambda:us-east-1:${ACCOUNT}:function:orders`], 1],
      [layerArn("common", 2), [], 1],
      [layerArn("private", 1), [], 0],
    ]);
    const findings = auditDocument(document).findings.filter((f) => f.ruleId === "LR022");
    expect(findings.map((f) => [f.severity, f.resource.name, f.evidence["sid"]])).toEqual([
      ["high", "common:1", "public"],
      ["medium", "common:2", "partner"],
    ]);
    expect(findings[0]!.message).toContain("used by 1 function of the inputs: orders");
  });
});
