import { mkdtempSync, mkdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { gzipSync } from "node:zlib";
import { dirname, join } from "node:path";
import { describe, expect, it } from "vitest";
import { InputError } from "../../src/errors.js";
import { audit } from "../../src/audit/index.js";
import { emptyRoleFacts } from "../../src/iam/index.js";
import { emptyUsage } from "../../src/model/usage.js";
import { serializeCanonicalDocument, trustsLambda, validateCanonicalDocument } from "../../src/normalize/index.js";
import { normalize, normalizeFragments } from "./checked.js";
import { SCHEMA_VERSION, type PolicyDocument, type RoleFacts } from "../../src/model/document.js";
import { readSourceBytes } from "../../src/sources/read-sources.js";
import type { SourceFragment } from "../../src/sources/types.js";
import { buildExport, type ExportSpec } from "./export-builder.js";
import { requiredPermissions } from "../../src/analysis/requirements.js";
import { analyzeDocument } from "../../src/analysis/index.js";
import { auditDocument } from "../../src/audit/audit-document.js";
import { loadActionCatalogSync } from "../../src/iam/index.js";
import { deliveryTargets } from "../../src/generate/requirements.js";

function fragments(files: Array<{ file: string; text: string }>): SourceFragment[] {
  return files.map(({ file, text }) => {
    const r = readSourceBytes(file, text);
    if (!r.fragment) throw new Error(JSON.stringify(r.warnings));
    return r.fragment;
  });
}

const SPEC: ExportSpec = {
  account: "123456789012",
  roles: [
    { name: "api", path: "/service-role/", trustsLambda: true, actions: ["dynamodb:GetItem"], managed: ["Shared"] },
    { name: "api", path: "/", trustsLambda: true, actions: ["s3:*"], managed: [] }, // same name, other path
    { name: "old", path: "/", trustsLambda: true, actions: ["sqs:SendMessage"], managed: [] },
    { name: "unused", path: "/", trustsLambda: false, actions: [], managed: [] },
  ],
  functions: [
    { name: "api", region: "us-east-1", role: 0, env: [["TABLE", "orders-secret-value"]], sqs: true, url: "NONE", version: 2 },
    { name: "api", region: "eu-west-1", role: 1, env: [], sqs: false, url: null, version: null },
  ],
};

describe("normalize: joins", () => {
  const { document: doc } = normalizeFragments(fragments(buildExport(SPEC)));

  it("functions join roles by full ARN, paths included (same role name, different path)", () => {
    const byArn = Object.fromEntries(doc.roles.map((r) => [r.arn, r.functions]));
    expect(byArn["arn:aws:iam::123456789012:role/service-role/api"]).toEqual(["arn:aws:lambda:us-east-1:123456789012:function:api"]);
    expect(byArn["arn:aws:iam::123456789012:role/api"]).toEqual(["arn:aws:lambda:eu-west-1:123456789012:function:api"]);
  });

  it("a published version with another role keeps that role in use", () => {
    const fn = doc.functions.find((f) => f.region === "us-east-1")!;
    expect(fn.versions).toEqual([{ version: "1", roleArn: "arn:aws:iam::123456789012:role/old" }]);
    expect(doc.roles.find((r) => r.name === "old")!.functions).toEqual([fn.arn]);
  });

  it("roles attached to no function and not trusting Lambda are marked as such", () => {
    expect(doc.roles.find((r) => r.name === "unused")).toMatchObject({ functions: [], trustsLambda: false });
  });

  it("triggers, URL and resource policy attached to the right function", () => {
    const fn = doc.functions.find((f) => f.region === "us-east-1")!;
    expect(fn.triggers).toEqual([{ uuid: "uuid-api-0", kind: "sqs", eventSourceArn: "arn:aws:sqs:us-east-1:123456789012:api-queue", state: "Enabled", onFailureDestination: null, secretArns: [], kmsKeyArn: null }]);
    expect(fn.functionUrls).toEqual([{ authType: "NONE", url: "https://api.lambda-url.us-east-1.on.aws/", qualifier: null }]);
    expect(fn.resourcePolicy!.Statement[0]!.Principal).toBe("*");
    const other = doc.functions.find((f) => f.region === "eu-west-1")!;
    expect(other).toMatchObject({ triggers: [], functionUrls: [], resourcePolicy: null });
  });

  it("customer managed policy resolved from the export, its other version kept; validates against the schema", () => {
    expect(doc.policies["arn:aws:iam::123456789012:policy/Shared"]).toMatchObject({ resolution: "input", defaultVersionId: "v2" });
    expect(doc.policies["arn:aws:iam::123456789012:policy/Shared"]!.otherVersions.map((v) => v.versionId)).toEqual(["v1"]);
    expect(validateCanonicalDocument(doc).errors).toEqual([]);
    expect(doc.meta.partial).toBe(false);
    expect(doc.accounts).toEqual([{ accountId: "123456789012", partition: "aws", regions: ["eu-west-1", "us-east-1"], functionCoverage: { regions: ["eu-west-1", "us-east-1"], complete: false } }]);
  });

  it("environment variable names are kept, values are not", () => {
    expect(doc.functions.find((f) => f.region === "us-east-1")!.environmentVariableNames).toEqual(["TABLE"]);
    expect(JSON.stringify(doc)).not.toContain("orders-secret-value");
  });
});

describe("normalize: execution roles the inputs do not hold", () => {
  const listFunctions = (roles: string[]) =>
    JSON.stringify({ Functions: roles.map((Role, i) => ({ FunctionName: `fn${i}`, FunctionArn: `arn:aws:lambda:us-east-1:123456789012:function:fn${i}`, Runtime: "python3.12", Role, Handler: "h", LastModified: "2026-01-01T00:00:00.000+0000" })) });

  it("a role ARN asks for the IAM export; anything else (a placeholder, another resource's ARN) says it is not a role ARN", () => {
    const { document } = normalizeFragments(fragments([{ file: "functions.json", text: listFunctions(["arn:aws:iam::123456789012:role/service-role/fn0-role", "arn:aws:lambda:us-east-1:account-id:resource-id"]) }]));
    expect(document.meta.partial).toBe(true);
    expect(document.meta.warnings.map((w) => [w.code, w.file, w.message])).toEqual([
      ["execution-role-not-a-role-arn", "functions.json", "the execution role of arn:aws:lambda:us-east-1:123456789012:function:fn1, arn:aws:lambda:us-east-1:account-id:resource-id, is not an IAM role ARN (Lambda requires arn:<partition>:iam::<account>:role/<name>); the function cannot be judged"],
      ["role-not-in-inputs", "functions.json", "execution role arn:aws:iam::123456789012:role/service-role/fn0-role of arn:aws:lambda:us-east-1:123456789012:function:fn0 is not in the IAM inputs (add get-account-authorization-details)"],
    ]);
  });

  it("a reference no reader explained is said to be one, without sending the user to an IAM export that cannot resolve it", () => {
    const { document } = normalizeFragments(fragments([{ file: "functions.json", text: listFunctions(["arn:aws:iam::123456789012:role/${RoleName}"]) }]));
    expect(document.meta.partial).toBe(true);
    expect(document.meta.warnings.map((w) => [w.code, w.message])).toEqual([
      ["role-not-in-inputs", "execution role arn:aws:iam::123456789012:role/${RoleName} of arn:aws:lambda:us-east-1:123456789012:function:fn0 is a reference the inputs do not resolve: give the template or configuration that defines the role"],
    ]);
  });
});

describe("normalize: managed policies not in the inputs", () => {
  const authz = {
    RoleDetailList: [
      {
        Path: "/",
        RoleName: "fn",
        RoleId: "AROA1",
        Arn: "arn:aws:iam::123456789012:role/fn",
        CreateDate: "2024-01-01T00:00:00Z",
        AssumeRolePolicyDocument: { Version: "2012-10-17", Statement: [{ Effect: "Allow", Principal: { Service: "lambda.amazonaws.com" }, Action: "sts:AssumeRole" }] },
        AttachedManagedPolicies: [{ PolicyName: "AWSLambdaBasicExecutionRole", PolicyArn: "arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole" }],
      },
    ],
  };
  const frag = () => fragments([{ file: "authz.json", text: JSON.stringify(authz) }]);

  it("unresolved: explicit state, warning, facts incomplete, document partial", () => {
    const { document: doc } = normalizeFragments(frag(), { lookupManagedPolicy: null });
    expect(doc.policies["arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole"]).toMatchObject({ resolution: "unresolved", document: null, awsManaged: true });
    expect(doc.roles[0]!.facts.incomplete).toBe(true);
    expect(doc.meta.partial).toBe(true);
    expect(doc.meta.warnings.map((w) => w.code)).toContain("unresolved-managed-policy");
    expect(doc.meta.warnings.find((w) => w.code === "unresolved-managed-policy")?.message).toMatch(/the permissions of arn:aws:iam::123456789012:role\/fn are a lower bound$/);
  });

  it("an unresolved permissions boundary can only take away: the role's grants are an upper bound, not a lower one", () => {
    const bounded = structuredClone(authz);
    const r = bounded.RoleDetailList[0] as Record<string, unknown>;
    r.PermissionsBoundary = { PermissionsBoundaryType: "Policy", PermissionsBoundaryArn: "arn:aws:iam::123456789012:policy/boundary" };
    const { document: doc } = normalizeFragments(fragments([{ file: "authz.json", text: JSON.stringify(bounded) }]), { lookupManagedPolicy: null });
    const message = doc.meta.warnings.find((w) => w.code === "unresolved-managed-policy" && w.message.includes("policy/boundary"))?.message;
    expect(message).toContain("it is the permissions boundary of arn:aws:iam::123456789012:role/fn");
    expect(message).toContain("an upper bound");
    expect(message).not.toContain("lower bound");
  });

  it("resolved from the shipped AWS managed policy data when a lookup is given", () => {
    // The published AWSLambdaBasicExecutionRole document (AWS managed policy reference).
    const basic: PolicyDocument = { Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: ["logs:CreateLogGroup", "logs:CreateLogStream", "logs:PutLogEvents"], Resource: ["*"] }] };
    const { document: doc } = normalizeFragments(frag(), {
      lookupManagedPolicy: (arn) => (arn.endsWith("/AWSLambdaBasicExecutionRole") ? { name: "AWSLambdaBasicExecutionRole", path: "/service-role/", defaultVersionId: "v1", document: basic } : null),
      managedPolicyDataDate: "2026-09-01",
    });
    expect(doc.policies["arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole"]).toMatchObject({ resolution: "aws-managed-data", defaultVersionId: "v1" });
    expect(doc.roles[0]!.facts.incomplete).toBe(false);
    expect(doc.roles[0]!.facts.allowedActions).toEqual(["logs:CreateLogGroup", "logs:CreateLogStream", "logs:PutLogEvents"]);
    expect(doc.meta.managedPolicyDataDate).toBe("2026-09-01");
    expect(doc.meta.partial).toBe(false);
  });

  it("by default, resolved from the AWS managed policy data shipped with leastrole (src/iam)", () => {
    const { document: doc } = normalizeFragments(frag());
    const policy = doc.policies["arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole"]!;
    expect(policy).toMatchObject({ resolution: "aws-managed-data", awsManaged: true });
    expect(policy.document!.Statement.flatMap((s) => s.Action ?? [])).toEqual(expect.arrayContaining(["logs:CreateLogGroup", "logs:CreateLogStream", "logs:PutLogEvents"]));
    expect(doc.roles[0]!.facts.incomplete).toBe(false);
    expect(doc.roles[0]!.facts.allowedActions).toEqual(["logs:CreateLogGroup", "logs:CreateLogStream", "logs:PutLogEvents"]);
    expect(doc.meta.managedPolicyDataDate).toMatch(/^\d{4}-\d{2}-\d{2}T/);
    expect(doc.meta.partial).toBe(false);
  });

  it("the facts function is a seam: it receives the principal's resolved policies", () => {
    const seen: string[] = [];
    const facts: RoleFacts = emptyRoleFacts();
    const { document: doc } = normalizeFragments(frag(), {
      computeFacts: (p) => {
        seen.push(...p.managedPolicies.map((m) => `${m.arn}:${m.document === null ? "unresolved" : "resolved"}`));
        return { ...facts, incomplete: p.managedPolicies.some((m) => m.document === null) };
      },
      iamDataVersion: "test-catalog",
    });
    expect(seen).toEqual(["arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole:resolved"]);
    expect(doc.meta.iamDataVersion).toBe("test-catalog");
  });
});

describe("serializeCanonicalDocument", () => {
  it("writes JSON that reads back as the same document (byte-stable for the same inputs)", () => {
    const a = serializeCanonicalDocument(normalizeFragments(fragments(buildExport(SPEC))).document);
    const b = serializeCanonicalDocument(normalizeFragments(fragments(buildExport(SPEC).reverse())).document);
    expect(b).toBe(a);
    expect(a.endsWith("}\n")).toBe(true);
    const back = readSourceBytes("doc.json", a);
    expect(back.fragment!.source.kind).toBe("canonical-document");
    expect(serializeCanonicalDocument(normalizeFragments([back.fragment!]).document)).toBe(a);
  });
});

describe("normalize: asOf and usage", () => {
  const files = buildExport(SPEC);
  it("from the caller (any timestamp form), else the usage window end, else the newest input timestamp", () => {
    expect(normalizeFragments(fragments(files), { asOf: "2026-11-01 00:00:00+00:00" }).document.meta.asOf).toBe("2026-11-01T00:00:00.000Z");
    const usage = { ...emptyUsage(), present: true, window: { start: "2026-10-01T00:00:00Z", end: "2026-10-31T00:00:00Z", days: 30 } };
    const withUsage = normalizeFragments(fragments(files), { usage }).document;
    expect(withUsage.meta.asOf).toBe("2026-10-31T00:00:00.000Z");
    expect(withUsage.usage).toBe(usage);
    expect(normalizeFragments(fragments(files)).document.meta.asOf).toBe("2025-03-04T05:06:07.890Z");
  });
  it("a bad asOf is an InputError", () => {
    expect(() => normalizeFragments(fragments(files), { asOf: "last tuesday" })).toThrow(InputError);
  });
});

describe("normalize: bad files never lose the others", () => {
  it("a folder with a truncated file, an unknown JSON and a text file next to good exports", async () => {
    const dir = mkdtempSync(join(tmpdir(), "leastrole-normalize-"));
    for (const f of buildExport(SPEC)) {
      mkdirSync(dirname(join(dir, f.file)), { recursive: true });
      writeFileSync(join(dir, f.file), f.text);
    }
    const good = buildExport(SPEC)[0]!.text;
    writeFileSync(join(dir, "truncated.json"), good.slice(0, good.length / 2));
    writeFileSync(join(dir, "buckets.json"), JSON.stringify({ Buckets: [], Owner: {} }));
    writeFileSync(join(dir, "README.txt"), "exported on Monday");
    const { document: doc } = await normalize([dir]);
    expect(doc.functions).toHaveLength(2);
    expect(doc.roles).toHaveLength(4);
    expect(doc.meta.partial).toBe(true);
    const byFile = (name: string) => doc.meta.warnings.find((w) => w.file === join(dir, name));
    // Met in a folder walk: a warning (the command exits 0, the inputs partial); named, an error (README's exit codes).
    expect(byFile("truncated.json")).toMatchObject({ severity: "warning", code: "unreadable-file" });
    expect(byFile("truncated.json")!.message).toMatch(/truncated/);
    expect(byFile("buckets.json")).toMatchObject({ severity: "warning", code: "unrecognized-input" });
    expect(byFile("README.txt")).toMatchObject({ severity: "info", code: "skipped-non-json" });
    expect(validateCanonicalDocument(doc).errors).toEqual([]);
  });

  it("a missing path is an InputError naming it, as in the CLI (a typo, not an input to skip), not a crash", async () => {
    await expect(normalize(["/nonexistent/leastrole/input.json"])).rejects.toMatchObject({ name: "InputError", file: "/nonexistent/leastrole/input.json", message: expect.stringMatching(/no such file or folder/) });
  });

  it("names a missing path in the error's message, for an SDK user who prints only that, and once in its one line", async () => {
    const missing = "./exports-typo-that-is-not-here";
    for (const run of [() => normalize([missing]), () => audit([missing])]) {
      const err = await run().then(() => null, (e: unknown) => e);
      expect(err).toBeInstanceOf(InputError);
      expect((err as InputError).message).toBe(`${missing}: no such file or folder`);
      expect(String(err)).toBe(`${missing}: no such file or folder`);
    }
    // An error whose message does not start with its file still gets it in front.
    expect(String(new InputError("not JSON", { file: "a.json", path: "Roles[0]" }))).toBe("a.json: Roles[0]: not JSON");
    expect(String(new InputError("a copy of a.json", { file: "a.json" }))).toBe("a.json: a copy of a.json");
  });

  it("data about a function that is not in the inputs is reported, not turned into a half-empty function", () => {
    const esm = { EventSourceMappings: [{ UUID: "u", FunctionArn: "arn:aws:lambda:us-east-1:123456789012:function:ghost", EventSourceArn: "arn:aws:sqs:us-east-1:123456789012:q" }] };
    const { document: doc } = normalizeFragments(fragments([{ file: "esm.json", text: JSON.stringify(esm) }]));
    expect(doc.functions).toEqual([]);
    expect(doc.meta.warnings[0]).toMatchObject({ code: "unknown-function", file: "esm.json", path: "EventSourceMappings[0]" });
  });
});

describe("normalize: per-function files in a collector layout", () => {
  it("a get-policy file named by URL-encoded function ARN under <region>/lambda-get-policy/ attaches by that ARN", () => {
    const files = buildExport(SPEC).filter((f) => !f.file.includes("policy-"));
    const policy = { Policy: JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Principal: { Service: "s3.amazonaws.com" }, Action: "lambda:InvokeFunction", Resource: "arn:aws:lambda:eu-west-1:999999999999:function:api" }] }) };
    const path = "account-data/prod/eu-west-1/lambda-get-policy/" + encodeURIComponent("arn:aws:lambda:eu-west-1:123456789012:function:api");
    const { document: doc } = normalizeFragments(fragments([...files, { file: path, text: JSON.stringify(policy) }]));
    const fn = doc.functions.find((f) => f.region === "eu-west-1")!;
    expect(fn.resourcePolicy!.Statement[0]!.Principal).toEqual({ Service: ["s3.amazonaws.com"] });
    expect(doc.functions.find((f) => f.region === "us-east-1")!.resourcePolicy).toBeNull();
  });

  it("a qualified policy saved under a name no function has (`get-policy/api-live.json`) attaches by its Resource", () => {
    const files = buildExport(SPEC).filter((f) => !f.file.includes("policy-"));
    const policy = { Policy: JSON.stringify({ Version: "2012-10-17", Statement: [{ Sid: "x", Effect: "Allow", Principal: "*", Action: "lambda:InvokeFunction", Resource: "arn:aws:lambda:eu-west-1:123456789012:function:api:live" }] }) };
    const { document: doc } = normalizeFragments(fragments([...files, { file: "out/lambda/eu-west-1/get-policy/api-live.json", text: JSON.stringify(policy) }]));
    const fn = doc.functions.find((f) => f.region === "eu-west-1")!;
    expect(fn.resourcePolicy!.Statement.map((s) => s.Sid)).toEqual(["x"]);
    expect(fn.aliases).toContain("live");
    expect(doc.meta.warnings.filter((w) => w.code === "unknown-function")).toEqual([]);
  });
});

describe("normalize: encodings in a folder", () => {
  it("gzip (by magic bytes, any name), UTF-16 LE with BOM and UTF-8 with BOM give the same document as plain files", async () => {
    const files = buildExport(SPEC);
    const plain = mkdtempSync(join(tmpdir(), "leastrole-plain-"));
    const encoded = mkdtempSync(join(tmpdir(), "leastrole-encoded-"));
    files.forEach((f, i) => {
      for (const root of [plain, encoded]) mkdirSync(dirname(join(root, f.file)), { recursive: true });
      writeFileSync(join(plain, f.file), f.text);
      const bytes = [gzipSync(Buffer.from(f.text)), Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(f.text, "utf16le")]), Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(f.text)])][i % 3]!;
      writeFileSync(join(encoded, f.file), bytes);
    });
    const a = (await normalize([plain])).document;
    const b = (await normalize([encoded])).document;
    const moved = (l: { file: string } | null) => l && { ...l, file: l.file.replace(plain, encoded) };
    expect(b.functions).toEqual(
      a.functions.map((f) => ({ ...f, source: moved(f.source), ...(f.resourcePolicyStatementSources ? { resourcePolicyStatementSources: f.resourcePolicyStatementSources.map(moved) } : {}) })),
    );
    expect(b.roles.map((r) => [r.arn, r.functions, r.facts.allowedActionCount])).toEqual(a.roles.map((r) => [r.arn, r.functions, r.facts.allowedActionCount]));
    expect(b.meta.warnings).toEqual([]);
  });
});

describe("trustsLambda", () => {
  const doc = (statement: object): PolicyDocument => ({ Version: "2012-10-17", Statement: [statement as PolicyDocument["Statement"][number]] });
  it.each([
    [{ Effect: "Allow", Principal: { Service: ["lambda.amazonaws.com"] }, Action: ["sts:AssumeRole"] }, true],
    [{ Effect: "Allow", Principal: { Service: ["edgelambda.amazonaws.com", "lambda.amazonaws.com"] }, Action: ["sts:AssumeRole"] }, true],
    [{ Effect: "Allow", Principal: { Service: ["lambda.amazonaws.com"] }, Action: ["sts:*"] }, true],
    [{ Effect: "Allow", Principal: { Service: ["lambda.amazonaws.com"] }, NotAction: ["iam:*"] }, true],
    [{ Effect: "Allow", Principal: { Service: ["lambda.amazonaws.com"] }, Action: ["sts:TagSession"] }, false],
    [{ Effect: "Deny", Principal: { Service: ["lambda.amazonaws.com"] }, Action: ["sts:AssumeRole"] }, false],
    [{ Effect: "Allow", Principal: "*", Action: ["sts:AssumeRole"] }, false],
    [{ Effect: "Allow", Principal: { Service: ["ec2.amazonaws.com"] }, Action: ["sts:AssumeRole"] }, false],
  ])("%j → %s", (statement, expected) => {
    expect(trustsLambda(doc(statement))).toBe(expected);
  });
});

describe("normalize: which regions' function lists the inputs hold (accounts[].functionCoverage)", () => {
  const ACCOUNT = "123456789012";
  const authz = JSON.stringify({ RoleDetailList: [{ Path: "/", RoleName: "r", RoleId: "AROA1", Arn: `arn:aws:iam::${ACCOUNT}:role/r`, AssumeRolePolicyDocument: { Version: "2012-10-17", Statement: [] }, RolePolicyList: [], AttachedManagedPolicies: [] }] });
  const config = (region: string, name: string) => ({ FunctionName: name, FunctionArn: `arn:aws:lambda:${region}:${ACCOUNT}:function:${name}`, Role: `arn:aws:iam::${ACCOUNT}:role/r`, Runtime: "python3.12", Version: "$LATEST" });
  const coverage = (files: Array<{ file: string; text: string }>, options = {}) => normalizeFragments(fragments([{ file: "iam/authz.json", text: authz }, ...files]), options).document.accounts[0]?.functionCoverage;

  it("a list-functions output covers its region; one function's get-function does not", () => {
    expect(coverage([{ file: "a/list-functions.json", text: JSON.stringify({ Functions: [config("us-east-1", "f")] }) }])).toEqual({ regions: ["us-east-1"], complete: false });
    expect(coverage([{ file: "a/get-function.json", text: JSON.stringify({ Configuration: config("us-east-1", "f") }) }])).toEqual({ regions: [], complete: false });
  });

  it("a list whose last page says more follow covers its region only when another file holds the final page", () => {
    const first = { file: "p1.json", text: JSON.stringify({ Functions: [config("eu-west-1", "a")], NextMarker: "m" }) };
    expect(coverage([first])).toEqual({ regions: [], complete: false });
    expect(coverage([first, { file: "p2.json", text: JSON.stringify({ Functions: [config("eu-west-1", "b")] }) }])).toEqual({ regions: ["eu-west-1"], complete: false });
  });

  it("a collection of every enabled region is complete when each region's list is among the inputs, and stays so when the document is read back", () => {
    const lists = [
      { file: "c/lambda/us-east-1/list-functions.json", text: JSON.stringify({ Functions: [config("us-east-1", "f")] }) },
      // An empty list names no account: the manifest does.
      { file: "c/lambda/eu-west-1/list-functions.json", text: JSON.stringify({ Functions: [] }) },
    ];
    const collection = { accountId: ACCOUNT, regions: ["eu-west-1", "us-east-1"], allRegions: true, lists: [{ region: "eu-west-1", file: "c/lambda/eu-west-1/list-functions.json" }, { region: "us-east-1", file: "c/lambda/us-east-1/list-functions.json" }] };
    const { document } = normalizeFragments(fragments([{ file: "iam/authz.json", text: authz }, ...lists]), { collections: [collection] });
    expect(document.accounts[0]?.functionCoverage).toEqual({ regions: ["eu-west-1", "us-east-1"], complete: true });
    // Every region asked for, one list not among the inputs: what is missing is that list (LR016 says so).
    expect(coverage([lists[0]!], { collections: [collection] })).toEqual({ regions: ["us-east-1"], complete: false, allRegionsAsked: true });
    const failed = normalizeFragments(fragments([{ file: "iam/authz.json", text: authz }, lists[0]!]), { collections: [{ ...collection, listsFailed: ["eu-west-1"] }] }).document;
    expect(failed.accounts[0]?.functionCoverage).toEqual({ regions: ["us-east-1"], complete: false, listsFailed: ["eu-west-1"], allRegionsAsked: true });
    // Read back as an input, the document keeps what failed.
    expect(normalizeFragments(fragments([{ file: "doc.json", text: serializeCanonicalDocument(failed) }])).document.accounts).toEqual(failed.accounts);
    expect(coverage(lists, { collections: [{ ...collection, allRegions: false }] })).toEqual({ regions: ["eu-west-1", "us-east-1"], complete: false });
    // Read back as an input (nothing else in it says which lists it was made from).
    const again = normalizeFragments(fragments([{ file: "doc.json", text: serializeCanonicalDocument(document) }])).document;
    expect(again.accounts).toEqual(document.accounts);
  });
});

describe("normalize: aliases' and published versions' dead-letter targets and destinations", () => {
  // Found by the collect sweep: an alias's event invoke config and a version's DLQ were collected,
  // then dropped (a qualified config only filled what $LATEST lacked; a version was kept only for
  // a different role), so LR010 missed the permission and generate left it out.
  const ACCOUNT = "123456789012";
  const fnArn = `arn:aws:lambda:us-east-1:${ACCOUNT}:function:worker`;
  const role = (n: string) => `arn:aws:iam::${ACCOUNT}:role/${n}`;
  const authz = JSON.stringify({ RoleDetailList: ["worker-role", "old-role"].map((n, i) => ({ Path: "/", RoleName: n, RoleId: `AROA${i}`, Arn: role(n), AssumeRolePolicyDocument: { Version: "2012-10-17", Statement: [] }, RolePolicyList: [], AttachedManagedPolicies: [] })) });
  const config = (version: string, roleName: string, dlq: string | null) => ({
    FunctionName: "worker", FunctionArn: version === "$LATEST" ? fnArn : `${fnArn}:${version}`, Role: role(roleName), Runtime: "python3.12", Version: version,
    ...(dlq ? { DeadLetterConfig: { TargetArn: `arn:aws:sqs:us-east-1:${ACCOUNT}:${dlq}` } } : {}),
  });
  const invokeConfig = (qualifier: string | null, onFailure: string) => ({
    file: `lambda/us-east-1/get-function-event-invoke-config/worker${qualifier ? `%3A${qualifier}` : ""}.json`,
    text: JSON.stringify({ FunctionArn: qualifier ? `${fnArn}:${qualifier}` : fnArn, MaximumRetryAttempts: 2, DestinationConfig: { OnSuccess: {}, OnFailure: { Destination: `arn:aws:sns:us-east-1:${ACCOUNT}:${onFailure}` } } }),
  });
  const doc = (versions: unknown[], extra: Array<{ file: string; text: string }>) =>
    normalizeFragments(fragments([{ file: "iam/authz.json", text: authz }, { file: "lambda/us-east-1/list-functions.json", text: JSON.stringify({ Functions: [config("$LATEST", "worker-role", "work-dlq"), ...versions] }) }, ...extra]));

  it("an alias's destination and a version's own DLQ are the function's role's, kept with their qualifiers; $LATEST's stay its own", () => {
    const { document, warnings } = doc([config("2", "worker-role", "work-dlq"), config("3", "worker-role", "old-dlq")], [invokeConfig(null, "failures"), invokeConfig("live", "live-failures"), invokeConfig("3", "failures")]);
    const fn = document.functions[0]!;
    expect(fn.deadLetterTargetArn).toBe(`arn:aws:sqs:us-east-1:${ACCOUNT}:work-dlq`);
    expect(fn.destinations).toEqual({ onSuccess: null, onFailure: `arn:aws:sns:us-east-1:${ACCOUNT}:failures` });
    // Version 2's DLQ and version 3's destination are $LATEST's with the same role: not repeated.
    expect(fn.qualifiedDeliveryTargets).toEqual([
      { kind: "dead-letter", arn: `arn:aws:sqs:us-east-1:${ACCOUNT}:old-dlq`, qualifiers: ["3"], roleArn: role("worker-role") },
      { kind: "on-failure", arn: `arn:aws:sns:us-east-1:${ACCOUNT}:live-failures`, qualifiers: ["live"], roleArn: role("worker-role") },
    ]);
    expect(warnings.filter((w) => w.code === "delivery-role-not-checked")).toEqual([]);
    const required = requiredPermissions(fn).map((r) => `${r.purpose} ${r.action} ${r.resource}`);
    expect(required).toContain(`dead-letter sqs:SendMessage arn:aws:sqs:us-east-1:${ACCOUNT}:old-dlq`);
    expect(required).toContain(`destination sns:Publish arn:aws:sns:us-east-1:${ACCOUNT}:live-failures`);
    expect(deliveryTargets(fn).map((d) => d.detail)).toEqual(["dead-letter target", "on-failure destination", "dead-letter target of version 3", "on-failure destination of alias live"]);
    // LR010: the role (no policy) cannot send to either.
    const lr010 = auditDocument(analyzeDocument(document, loadActionCatalogSync())).findings.filter((f) => f.ruleId === "LR010").map((f) => f.message);
    expect(lr010.some((m) => m.includes("destination arn:aws:sns:us-east-1:123456789012:live-failures (missing sns:Publish)"))).toBe(true);
    expect(lr010.some((m) => m.includes("dead-letter target arn:aws:sqs:us-east-1:123456789012:old-dlq (missing sqs:SendMessage)"))).toBe(true);
  });

  it("a target sent with another role, or an alias's when versions run with different roles: kept, not the function's role's requirement, and said", () => {
    const { document, warnings } = doc([config("4", "old-role", "old-dlq")], [invokeConfig("live", "live-failures")]);
    const fn = document.functions[0]!;
    expect(fn.versions).toEqual([{ version: "4", roleArn: role("old-role") }]);
    expect(fn.qualifiedDeliveryTargets).toEqual([
      { kind: "dead-letter", arn: `arn:aws:sqs:us-east-1:${ACCOUNT}:old-dlq`, qualifiers: ["4"], roleArn: role("old-role") },
      { kind: "on-failure", arn: `arn:aws:sns:us-east-1:${ACCOUNT}:live-failures`, qualifiers: ["live"], roleArn: null },
    ]);
    const required = requiredPermissions(fn).map((r) => r.resource);
    expect(required).not.toContain(`arn:aws:sqs:us-east-1:${ACCOUNT}:old-dlq`);
    expect(required).not.toContain(`arn:aws:sns:us-east-1:${ACCOUNT}:live-failures`);
    expect(warnings.filter((w) => w.code === "delivery-role-not-checked").map((w) => w.message)).toEqual([
      `${fnArn}: the dead-letter target arn:aws:sqs:us-east-1:${ACCOUNT}:old-dlq of version 4 is sent with that version's role ${role("old-role")}, not the function's: no rule checks it, and a generated policy for the function leaves it out`,
      `${fnArn}: the on-failure destination arn:aws:sns:us-east-1:${ACCOUNT}:live-failures of alias live: which role the alias runs with is not known (versions of the function run with different roles), so no rule checks that it may send there, and a generated policy leaves it out`,
    ]);
  });

  // `aws lambda list-aliases` as the API returns it (ListAliases: AliasArn, Name, FunctionVersion,
  // Description, RoutingConfig.AdditionalVersionWeights, RevisionId), in collect's layout.
  const aliases = (list: Array<{ name: string; version: string; weights?: Record<string, number> }>) => ({
    file: "lambda/us-east-1/list-aliases/worker.json",
    text: JSON.stringify({
      Aliases: list.map((a) => ({
        AliasArn: `${fnArn}:${a.name}`,
        Name: a.name,
        FunctionVersion: a.version,
        Description: "",
        ...(a.weights ? { RoutingConfig: { AdditionalVersionWeights: a.weights } } : {}),
        RevisionId: "1b3c2a5e-0d1f-4c7e-9a55-0f2d1e3c4b5a",
      })),
    }),
  });

  it("list-aliases: each alias is the function's, with the versions it routes to; an alias's destination is sent with their role", () => {
    // Before: the output was skipped ("not used"), no alias was added, and an alias's destination
    // of a function whose versions run with different roles was "which role … is not known".
    const { document, warnings } = doc(
      [config("3", "worker-role", null), config("4", "old-role", null)],
      [aliases([{ name: "live", version: "4" }, { name: "canary", version: "3", weights: { "4": 0.1 } }, { name: "next", version: "3" }]), invokeConfig("live", "live-failures"), invokeConfig("next", "next-failures")],
    );
    const fn = document.functions[0]!;
    expect(fn.aliases).toEqual(["canary", "live", "next"]);
    expect(fn.aliasRoutes).toEqual([
      { name: "canary", functionVersion: "3", additionalVersionWeights: { "4": 0.1 } },
      { name: "live", functionVersion: "4" },
      { name: "next", functionVersion: "3" },
    ]);
    // live runs version 4 with old-role; next runs version 3, $LATEST's role.
    expect(fn.qualifiedDeliveryTargets).toEqual([
      { kind: "on-failure", arn: `arn:aws:sns:us-east-1:${ACCOUNT}:live-failures`, qualifiers: ["live"], roleArn: role("old-role") },
      { kind: "on-failure", arn: `arn:aws:sns:us-east-1:${ACCOUNT}:next-failures`, qualifiers: ["next"], roleArn: role("worker-role") },
    ]);
    expect(requiredPermissions(fn).map((r) => r.resource)).toContain(`arn:aws:sns:us-east-1:${ACCOUNT}:next-failures`);
    expect(warnings.filter((w) => w.code === "delivery-role-not-checked").map((w) => w.message)).toEqual([
      `${fnArn}: the on-failure destination arn:aws:sns:us-east-1:${ACCOUNT}:live-failures of alias live is sent with that version's role ${role("old-role")}, not the function's: no rule checks it, and a generated policy for the function leaves it out`,
    ]);
    // Both roles are in use by the function.
    expect(document.roles.map((r) => [r.arn, r.functions])).toEqual([[role("old-role"), [fnArn]], [role("worker-role"), [fnArn]]]);
    expect(warnings.filter((w) => w.code === "alias-version-not-in-inputs")).toEqual([]);
    expect(document.meta.sources.find((s) => s.path === "lambda/us-east-1/list-aliases/worker.json")).toMatchObject({ kind: "lambda-aliases", records: 3 });
    // Read back as an input, the document keeps the routes.
    const again = normalizeFragments(fragments([{ file: "doc.json", text: serializeCanonicalDocument(document) }])).document;
    expect(again.functions).toEqual(document.functions);
  });

  it("list-aliases: an alias routing to a version the inputs do not hold is said, its role unknown", () => {
    const { document, warnings } = doc([], [aliases([{ name: "live", version: "7", weights: { "8": 0.25 } }])]);
    expect(document.functions[0]!.aliasRoutes).toEqual([{ name: "live", functionVersion: "7", additionalVersionWeights: { "8": 0.25 } }]);
    expect(warnings.filter((w) => w.code === "alias-version-not-in-inputs").map((w) => w.message)).toEqual([
      `${fnArn}: alias live routes calls to version 7 and 8, which the inputs do not hold: the execution role it runs with is not known, so LR016 reports a role no function in the inputs uses only at low, saying so; give the function's versions (aws lambda list-versions-by-function, or list-functions --function-version ALL)`,
    ]);
    // A weight out of range is an error naming the file and the path, not a silent route.
    const bad = readSourceBytes("lambda/us-east-1/list-aliases/worker.json", JSON.stringify({ Aliases: [{ AliasArn: `${fnArn}:live`, Name: "live", FunctionVersion: "7", RoutingConfig: { AdditionalVersionWeights: { "8": 3 } } }] }));
    expect([...bad.warnings, ...(bad.fragment?.warnings ?? [])].map((w) => [w.code, w.file, w.path])).toEqual([["invalid-record", "lambda/us-east-1/list-aliases/worker.json", 'Aliases[0].RoutingConfig.AdditionalVersionWeights["8"]']]);
  });

  it("LR016 is held back (low, saying why) for a role an alias's unheld version may run with", () => {
    // Before: the warning said a role only that version uses "may be reported as attached to no
    // function", and LR016 did: medium for a role that writes to S3, as if every version were known.
    const lambdaTrust = { Version: "2012-10-17", Statement: [{ Effect: "Allow", Principal: { Service: "lambda.amazonaws.com" }, Action: "sts:AssumeRole" }] };
    const writes = { Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: "s3:PutObject", Resource: "arn:aws:s3:::reports/*" }] };
    const iam = JSON.stringify({
      RoleDetailList: ["worker-role", "old-role"].map((n, i) => ({ Path: "/", RoleName: n, RoleId: `AROA${i}`, Arn: role(n), AssumeRolePolicyDocument: lambdaTrust, RolePolicyList: [{ PolicyName: "w", PolicyDocument: writes }], AttachedManagedPolicies: [] })),
      UserDetailList: [], GroupDetailList: [], Policies: [],
    });
    const list = { file: "lambda/us-east-1/list-functions.json", text: JSON.stringify({ Functions: [config("$LATEST", "worker-role", null)] }) };
    // A collection of every enabled region (one), read in full: old-role is used by no function the inputs hold.
    const collections = [{ accountId: ACCOUNT, regions: ["us-east-1"], allRegions: true, lists: [{ region: "us-east-1", file: list.file }] }];
    const lr016 = (extra: Array<{ file: string; text: string }>) => {
      const { document } = normalizeFragments(fragments([{ file: "iam/authz.json", text: iam }, list, ...extra]), { collections });
      return auditDocument(analyzeDocument(document, loadActionCatalogSync())).findings.filter((f) => f.ruleId === "LR016").map((f) => [f.resource.name, f.severity, f.message]);
    };
    expect(lr016([aliases([{ name: "live", version: "$LATEST" }])])).toEqual([["old-role", "medium", expect.stringContaining("Role old-role trusts Lambda but no function in any region of the account uses it;")]]);
    const held = lr016([aliases([{ name: "live", version: "7" }])]);
    expect(held).toEqual([["old-role", "low", expect.stringContaining(`Role old-role trusts Lambda but no function in any region of the account uses it, but an alias routes calls to ${fnArn}:7, which the inputs do not hold, and it may run with this role (give the functions' versions: aws lambda list-versions-by-function);`)]]);
  });

  it("read back from the canonical document, the same targets", () => {
    const { document } = doc([config("3", "worker-role", "old-dlq")], [invokeConfig("live", "live-failures"), invokeConfig("prod", "live-failures")]);
    expect(document.functions[0]!.qualifiedDeliveryTargets?.map((t) => t.qualifiers)).toEqual([["3"], ["live", "prod"]]);
    const again = normalizeFragments(fragments([{ file: "doc.json", text: serializeCanonicalDocument(document) }])).document;
    expect(again.functions).toEqual(document.functions);
  });
});

describe("normalize: a function's URLs, one per qualifier", () => {
  // Lambda allows a URL for the unqualified function and one per alias; list-function-url-configs
  // gives them all. Only one was kept (the unqualified one when both used NONE), so a public URL on
  // alias live whose policy grants anyone was not reported when the function's own URL answered 403.
  const ACCOUNT = "123456789012";
  const fnArn = `arn:aws:lambda:us-east-1:${ACCOUNT}:function:api`;
  const urlStatements = (resource: string) => [
    { Sid: "FunctionURLAllowPublicAccess", Effect: "Allow", Principal: "*", Action: "lambda:InvokeFunctionUrl", Resource: resource, Condition: { StringEquals: { "lambda:FunctionUrlAuthType": "NONE" } } },
    { Sid: "FunctionURLInvokeAllowPublicAccess", Effect: "Allow", Principal: "*", Action: "lambda:InvokeFunction", Resource: resource, Condition: { Bool: { "lambda:InvokedViaFunctionUrl": "true" } } },
  ];
  const config = (qualifier: string | null, authType: string) => ({ FunctionUrl: `https://${qualifier ?? "own"}.lambda-url.us-east-1.on.aws/`, FunctionArn: qualifier ? `${fnArn}:${qualifier}` : fnArn, AuthType: authType, CreationTime: "2026-01-01T00:00:00.000Z" });
  const files = [
    { file: "c/lambda/us-east-1/list-functions.json", text: JSON.stringify({ Functions: [{ FunctionName: "api", FunctionArn: fnArn, Role: `arn:aws:iam::${ACCOUNT}:role/r`, Runtime: "python3.12", Version: "$LATEST" }] }) },
    { file: "c/lambda/us-east-1/list-function-url-configs/api.json", text: JSON.stringify({ FunctionUrlConfigs: [config(null, "NONE"), config("live", "NONE"), config("beta", "AWS_IAM")] }) },
    { file: "c/lambda/us-east-1/get-policy/api%3Alive.json", text: JSON.stringify({ Policy: JSON.stringify({ Version: "2012-10-17", Id: "default", Statement: urlStatements(`${fnArn}:live`) }), RevisionId: "r" }) },
  ];

  it("keeps every URL, the unqualified first, and LR012 judges each by its own qualifier's policy", () => {
    const { document } = normalizeFragments(fragments(files));
    const fn = document.functions[0]!;
    expect(fn.functionUrls.map((u) => [u.qualifier, u.authType])).toEqual([[null, "NONE"], ["beta", "AWS_IAM"], ["live", "NONE"]]);
    const lr012 = auditDocument(analyzeDocument(document, loadActionCatalogSync())).findings.filter((f) => f.ruleId === "LR012");
    expect(lr012.map((f) => [f.severity, f.evidence.qualifier, f.evidence.url]).sort()).toEqual([
      ["high", "live", "https://live.lambda-url.us-east-1.on.aws/"],
      ["low", null, "https://own.lambda-url.us-east-1.on.aws/"],
    ]);
  });

  it("of two descriptions of one qualifier's URL, keeps the public one whatever the files' order; read back, the same", () => {
    const stale = { file: "c/lambda/us-east-1/get-function-url-config/api%3Alive.json", text: JSON.stringify(config("live", "AWS_IAM")) };
    for (const inputs of [[...files, stale], [stale, ...files]]) {
      const { document } = normalizeFragments(fragments(inputs));
      expect(document.functions[0]!.functionUrls.filter((u) => u.qualifier === "live").map((u) => u.authType)).toEqual(["NONE"]);
      const again = normalizeFragments(fragments([{ file: "doc.json", text: serializeCanonicalDocument(document) }])).document;
      expect(again.functions).toEqual(document.functions);
    }
  });

  it("a canonical document of schema 1.0 (one functionUrl) is read as today's", () => {
    const { document } = normalizeFragments(fragments(files.slice(0, 1)));
    const old = JSON.parse(serializeCanonicalDocument(document)) as Record<string, unknown> & { functions: Array<Record<string, unknown>> };
    old.schemaVersion = "1.0";
    for (const f of old.functions) {
      delete f.functionUrls;
      f.functionUrl = { authType: "NONE", url: null, qualifier: "live" };
    }
    const again = normalizeFragments(fragments([{ file: "old.json", text: JSON.stringify(old) }])).document;
    expect(again.schemaVersion).toBe(SCHEMA_VERSION);
    expect(again.functions[0]!.functionUrls).toEqual([{ authType: "NONE", url: null, qualifier: "live" }]);
  });

  it("a canonical document of schema 1.1 to 1.7 (before their optional fields: lambdaServiceUses, durable; lambdaAtEdge, samMadeFrom …; layerVersions; the aws-config source kind; secretKmsKeyArn) is read as today's, unchanged", () => {
    const { document } = normalizeFragments(fragments(files.slice(0, 1)));
    expect(document.schemaVersion).toBe("1.14");
    for (const version of ["1.1", "1.2", "1.3", "1.4", "1.5", "1.6", "1.7", "1.10", "1.11", "1.12", "1.13"]) {
      const old = JSON.parse(serializeCanonicalDocument(document)) as Record<string, unknown>;
      old.schemaVersion = version;
      const again = normalizeFragments(fragments([{ file: "old.json", text: JSON.stringify(old) }])).document;
      expect(again, version).toEqual(document);
    }
  });

  it("a canonical document of a version this leastrole does not read is an error naming the file and the version, not read as today's", () => {
    // Before, any schemaVersion string passed (the schema types it as a string): `leastrole audit
    // doc.json` audited a document of another version as if it were 1.2, where auditDocument refuses it.
    const { document } = normalizeFragments(fragments(files.slice(0, 1)));
    for (const version of ["2.0", "0.9"]) {
      const other = JSON.parse(serializeCanonicalDocument(document)) as Record<string, unknown>;
      other.schemaVersion = version;
      const r = readSourceBytes("other.json", JSON.stringify(other), { explicit: true });
      expect(r.fragment).toBeNull();
      expect(r.warnings).toHaveLength(1);
      expect(r.warnings[0]).toMatchObject({ severity: "error", file: "other.json", path: "schemaVersion" });
      expect(r.warnings[0]?.message).toContain(`schemaVersion is "${version}"`);
      // Met in a folder walk, the same refusal as a warning (exit 0, the inputs partial).
      expect(readSourceBytes("other.json", JSON.stringify(other)).warnings[0]).toMatchObject({ severity: "warning", code: "unreadable-file", path: "schemaVersion" });
    }
  });

  it("the refusal names the earlier versions read, up to the one before today's, and each is read", () => {
    // Before, it said "1.0 to 1.6 are read too" while a 1.7 document was read as well.
    const { document } = normalizeFragments(fragments(files.slice(0, 1)));
    const other = JSON.parse(serializeCanonicalDocument(document)) as Record<string, unknown>;
    other.schemaVersion = "9.0";
    const message = readSourceBytes("other.json", JSON.stringify(other), { explicit: true }).warnings[0]?.message ?? "";
    const said = /\((\d+)\.(\d+) to (\d+)\.(\d+) are read too\)/.exec(message);
    expect(said, message).not.toBeNull();
    const [major, minor] = SCHEMA_VERSION.split(".").map(Number) as [number, number];
    expect(`${said![3]}.${said![4]}`).toBe(`${major}.${minor - 1}`);
    for (let m = Number(said![2]); m <= Number(said![4]); m++) {
      // Versions 1.1 and later differ from today's by optional fields only: today's document without them.
      if (m === 0) continue;
      other.schemaVersion = `${said![1]}.${m}`;
      const r = readSourceBytes("other.json", JSON.stringify(other), { explicit: true });
      expect(r.warnings, other.schemaVersion as string).toEqual([]);
      expect(r.fragment).not.toBeNull();
    }
  });
});

describe("normalize: a function's and its aliases' resource policies, merged", () => {
  // Found by the collect sweep: alias live's public statement was reported as "Statement[1]" of the
  // function, with no alias, where it is Statement[0] of get-policy/api%3Alive.json.
  const ACCOUNT = "123456789012";
  const fnArn = `arn:aws:lambda:us-east-1:${ACCOUNT}:function:api`;
  const statement = (sid: string, resource: string, principal: unknown) => ({ Sid: sid, Effect: "Allow", Principal: principal, Action: "lambda:InvokeFunction", Resource: resource });
  const getPolicy = (name: string, statements: unknown[]) => ({ file: `c/lambda/us-east-1/get-policy/${name}.json`, text: JSON.stringify({ Policy: JSON.stringify({ Version: "2012-10-17", Id: "default", Statement: statements }), RevisionId: "r" }) });
  const files = [
    { file: "c/lambda/us-east-1/list-functions.json", text: JSON.stringify({ Functions: [{ FunctionName: "api", FunctionArn: fnArn, Role: `arn:aws:iam::${ACCOUNT}:role/r`, Runtime: "python3.12", Version: "$LATEST" }] }) },
    getPolicy("api", [statement("own", fnArn, { Service: "apigateway.amazonaws.com" })]),
    getPolicy("api%3Alive", [statement("live-any", `${fnArn}:live`, "*")]),
    getPolicy("api%3A1", [statement("v1-s3", `${fnArn}:1`, { Service: "s3.amazonaws.com" }), statement("v1-b", `${fnArn}:1`, { Service: "sns.amazonaws.com" })]),
  ];

  it("keeps whose policy each statement is, its index there, and its file", () => {
    const { document } = normalizeFragments(fragments(files));
    const fn = document.functions[0]!;
    // In the order of the files (api%3A1.json, api%3Alive.json, api.json).
    expect(fn.resourcePolicy!.Statement.map((s) => s.Sid)).toEqual(["v1-s3", "v1-b", "live-any", "own"]);
    expect(fn.resourcePolicyStatementOrigins).toEqual([
      { qualifier: "1", index: 0 },
      { qualifier: "1", index: 1 },
      { qualifier: "live", index: 0 },
      { qualifier: null, index: 0 },
    ]);
    expect(fn.resourcePolicyStatementSources?.[2]).toEqual({ file: "c/lambda/us-east-1/get-policy/api%3Alive.json", line: null, address: "Policy.Statement[0]" });
    // Read back as an input: the same.
    const again = normalizeFragments(fragments([{ file: "doc.json", text: serializeCanonicalDocument(document) }])).document;
    expect(again.functions).toEqual(document.functions);
    // LR012 names the alias and the index remove-permission --qualifier live takes.
    const lr012 = auditDocument(analyzeDocument(document, loadActionCatalogSync())).findings.filter((f) => f.ruleId === "LR012" && f.evidence.sid === "live-any");
    expect(lr012.map((f) => [f.message, f.evidence.qualifier, f.evidence.statementIndexInPolicy])).toEqual([
      ['Function api: resource policy of alias live, Statement[0] (live-any) lets anyone invoke the function (Principal "*" without a source condition)', "live", 0],
    ]);
  });

  it("an alias's policy added before the function's file does not change the own statements' LR012 fingerprints", () => {
    // Found in review: the own statement's fingerprint was built on its index in the union, which
    // is 0 with api.json alone and 3 once api%3A1.json and api%3Alive.json (sorted first) are read.
    const lr012 = (inputs: typeof files) =>
      auditDocument(analyzeDocument(normalizeFragments(fragments(inputs)).document, loadActionCatalogSync()))
        .findings.filter((f) => f.ruleId === "LR012")
        .map((f) => [f.evidence.sid, f.fingerprint] as const);
    const alone = lr012(files.slice(0, 2));
    expect(alone.map(([sid]) => sid)).toEqual(["own"]);
    const all = lr012(files);
    expect(all.filter(([sid]) => sid === "own")).toEqual(alone);
    // The alias's and version's statements are findings of their own, with distinct fingerprints.
    expect(new Set(all.map(([, fp]) => fp)).size).toBe(all.length);
    expect(all.length).toBe(4);
  });

  it("the function's own policy alone: no origins to record", () => {
    const fn = normalizeFragments(fragments(files.slice(0, 2))).document.functions[0]!;
    expect(fn.resourcePolicyStatementOrigins).toBeUndefined();
    expect(fn.resourcePolicyStatementSources).toEqual([{ file: "c/lambda/us-east-1/get-policy/api.json", line: null, address: "Policy.Statement[0]" }]);
  });
});
