/**
 * A function deleted while collect runs: ListFunctions listed it, and the per-function calls that
 * follow find it gone (Lambda answers ResourceNotFoundException, HTTP 404, "Function not found",
 * for ListTags and ListAliases as for GetPolicy: moto 5.2 models it). The proxy in front of moto
 * deletes it in moto just before collect's first call on it. collect leaves it out of list-functions.json:
 * audit of the folder judges only the functions that exist, and names the deleted one in its notes.
 */

import { CreateRoleCommand, IAMClient } from "@aws-sdk/client-iam";
import { CreateAliasCommand, CreateFunctionCommand, DeleteFunctionCommand, LambdaClient } from "@aws-sdk/client-lambda";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { auditDocument } from "../../src/audit/audit-document.js";
import { buildDocument } from "../../src/audit/build-document.js";
import { collect } from "../../src/collect/index.js";
import { startFaultProxy } from "./support/fault-proxy.js";
import { notesBesidesCapacityProviders, startMoto, TEST_CREDENTIALS, type MotoServer } from "./support/moto.js";
import { outDirs } from "./support/out-dirs.js";
import { ACCOUNT } from "./support/seed.js";
import { zipOf } from "./support/zip.js";

let moto: MotoServer;
const { outDir, removeAll } = outDirs("leastrole-collect-deleted-");
const CODE = zipOf({ "index.py": "def handler(event, context):\n    return {}\n" });
const common = () => ({ endpoint: moto.endpoint, credentials: TEST_CREDENTIALS, region: "us-east-1" });

beforeAll(async () => {
  moto = startMoto();
  const iam = new IAMClient(common());
  const lambda = new LambdaClient(common());
  try {
    const role = await iam.send(
      new CreateRoleCommand({ RoleName: "fn-role", AssumeRolePolicyDocument: JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Principal: { Service: "lambda.amazonaws.com" }, Action: "sts:AssumeRole" }] }) }),
    );
    for (const FunctionName of ["short-lived", "stays"]) {
      await lambda.send(new CreateFunctionCommand({ FunctionName, Runtime: "python3.12", Handler: "index.handler", Role: role.Role?.Arn, Code: { ZipFile: CODE }, Publish: true }));
      await lambda.send(new CreateAliasCommand({ FunctionName, Name: "live", FunctionVersion: "1" }));
    }
  } finally {
    iam.destroy();
    lambda.destroy();
  }
});

afterAll(() => {
  moto?.stop();
  removeAll();
});

describe("a function deleted during the collection", () => {
  it("is a note, not a failure that makes the collection partial; the other functions are read as usual", async () => {
    // Found by the collect sweep: ListTags and ListAliases of the deleted function were failed
    // entries, the collection partial (exit 1, "rerun with --resume"), and a resume failed the same way.
    const proxy = await startFaultProxy(moto.endpoint, [
      {
        match: /^lambda\/us-east-1 GET \/2015-03-31\/functions\/short-lived\/policy /,
        times: 1,
        fault: "forward",
        before: async () => {
          const lambda = new LambdaClient(common());
          try {
            await lambda.send(new DeleteFunctionCommand({ FunctionName: "short-lived" }));
          } finally {
            lambda.destroy();
          }
        },
      },
    ]);
    try {
      const out = outDir();
      const { manifest } = await collect({ endpoint: proxy.endpoint, credentials: TEST_CREDENTIALS, throttleBaseMs: 1, out, regions: ["us-east-1"], concurrency: 1 });
      expect(proxy.injected).toEqual([1]);
      expect(manifest.reasons).toEqual([]);
      expect(manifest.partial).toBe(false);
      const arn = `arn:aws:lambda:us-east-1:${ACCOUNT}:function:short-lived`;
      const why = "(the function was deleted during the collection (ListFunctions listed it): it is left out of list-functions.json, and nothing more of it was read)";
      expect(notesBesidesCapacityProviders(manifest)).toEqual([
        `lambda:ListAliases short-lived in us-east-1 failed: ResourceNotFoundException: Function not found: ${arn} ${why}`,
        `lambda:ListTags short-lived in us-east-1 failed: ResourceNotFoundException: Function not found: ${arn} ${why}`,
      ]);
      const byId = new Map(manifest.calls.map((c) => [c.id, c]));
      for (const call of ["GetPolicy/short-lived", "GetFunctionUrlConfig/short-lived", "GetFunctionEventInvokeConfig/short-lived"]) {
        expect(byId.get(`us-east-1/lambda:${call}`), call).toMatchObject({ status: "ok", absent: true });
      }
      // Its versions and aliases are not asked about: it is gone.
      expect(byId.has("us-east-1/lambda:GetPolicy/short-lived:1")).toBe(false);
      // list-functions.json lists the account as it is: the deleted function (every version) left out.
      const listed = JSON.parse(readFileSync(join(out, "lambda", "us-east-1", "list-functions.json"), "utf8")) as { Functions: Array<{ FunctionName: string; Version: string }> };
      expect(listed.Functions.map((f) => `${f.FunctionName}:${f.Version}`)).toEqual(["stays:$LATEST", "stays:1"]);
      // The other function, its alias and its version are read as usual.
      expect(byId.get("us-east-1/lambda:ListTags/stays")?.status).toBe("ok");
      expect(byId.get("us-east-1/lambda:ListAliases/stays")).toMatchObject({ status: "ok", count: 1 });
      expect(byId.get("us-east-1/lambda:GetPolicy/stays:live")?.status).toBe("ok");

      // audit reads the folder as complete, and says what was noted.
      const document = await buildDocument([out]);
      expect(document.meta.warnings.filter((w) => w.code === "collection-partial")).toEqual([]);
      expect(document.meta.warnings.filter((w) => w.code === "collection-note" && w.message.includes("short-lived"))).toHaveLength(2);
      // Found by the collect sweep: the deleted function stayed in list-functions.json, and audit
      // judged it (its findings, its role counted as used) as if it still existed.
      expect(document.functions.map((f) => f.name)).toEqual(["stays"]);
      const findings = auditDocument(document).findings;
      expect(findings.length).toBeGreaterThan(0);
      expect(findings.filter((f) => JSON.stringify(f).includes("short-lived"))).toEqual([]);
    } finally {
      await proxy.close();
    }
  });
});
