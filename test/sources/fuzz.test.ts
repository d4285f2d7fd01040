/**
 * Fuzzing every reader: generated and mutated inputs must never escape as an exception. A reader
 * either reads (and the normaliser then builds a schema-valid document from what it read) or
 * reports warnings naming the file.
 */
import { readFileSync } from "node:fs";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { normalizeFragments, validateCanonicalDocument } from "../../src/normalize/index.js";
import { readSourceBytes } from "../../src/sources/read-sources.js";
import { buildExport } from "../normalize/export-builder.js";

const CM = "/work/shared/corpus/cloudmapper-demo-account/account-data/demo/us-east-1";
const SAMPLES: Array<{ name: string; file: string; value: unknown }> = [
  ...buildExport({
    account: "123456789012",
    roles: [{ name: "r", path: "/service-role/", trustsLambda: true, actions: ["s3:GetObject"], managed: ["M"] }],
    functions: [{ name: "f", region: "us-east-1", role: 0, env: [["K", "v"]], sqs: true, url: "NONE", version: 0 }],
  }).map((f) => ({ name: f.file, file: f.file, value: JSON.parse(f.text) as unknown })),
  { name: "cloudmapper authz", file: "authz.json", value: JSON.parse(readFileSync(`${CM}/iam-get-account-authorization-details.json`, "utf8")) },
  { name: "cloudmapper get-policy", file: `${CM}/lambda-get-policy/invpclambda`, value: JSON.parse(readFileSync(`${CM}/lambda-get-policy/invpclambda`, "utf8")) },
  {
    name: "canonical document",
    file: "doc.json",
    value: normalizeFragments(
      buildExport({ account: "123456789012", roles: [{ name: "r", path: "/", trustsLambda: true, actions: ["sqs:SendMessage"], managed: [] }], functions: [{ name: "f", region: "eu-west-1", role: 0, env: [], sqs: true, url: "AWS_IAM", version: null }] }).map((f) => readSourceBytes(f.file, f.text).fragment!),
      { lookupManagedPolicy: null },
    ).document,
  },
  { name: "event invoke config", file: "eic.json", value: { FunctionArn: "arn:aws:lambda:us-east-2:123456789012:function:my-function:BLUE", MaximumRetryAttempts: 0, DestinationConfig: { OnSuccess: {}, OnFailure: { Destination: "arn:aws:sqs:us-east-2:123456789012:q" } } } },
  { name: "tags", file: "arn%3Aaws%3Alambda%3Aus-east-1%3A123456789012%3Afunction%3Af.json", value: { Tags: { a: "b" } } },
  { name: "get-function", file: "gf.json", value: { Configuration: { FunctionName: "f", FunctionArn: "arn:aws:lambda:us-east-1:123456789012:function:f", Role: "arn:aws:iam::123456789012:role/r", VpcConfig: { SubnetIds: ["s"], SecurityGroupIds: [] }, Layers: [{ Arn: "arn:aws:lambda:us-east-1:1:layer:l:1" }] }, Tags: { t: "v" } } },
];

type Path = Array<string | number>;
function paths(value: unknown, prefix: Path = [], out: Path[] = []): Path[] {
  out.push(prefix);
  if (Array.isArray(value)) value.forEach((v, i) => paths(v, [...prefix, i], out));
  else if (value && typeof value === "object") for (const [k, v] of Object.entries(value)) paths(v, [...prefix, k], out);
  return out;
}
function setAt(value: unknown, path: Path, replacement: unknown, remove: boolean): unknown {
  if (path.length === 0) return replacement;
  const copy = structuredClone(value) as Record<string | number, unknown>;
  let node = copy;
  for (const key of path.slice(0, -1)) node = node[key] as Record<string | number, unknown>;
  const last = path[path.length - 1]!;
  if (remove && !Array.isArray(node)) delete node[last];
  else node[last] = replacement;
  return copy;
}

function check(file: string, bytes: string | Uint8Array): void {
  const result = readSourceBytes(file, bytes, { explicit: true });
  for (const w of result.warnings) {
    expect(w.file).toBeTruthy();
    expect(["error", "warning", "info"]).toContain(w.severity);
  }
  if (result.fragment) {
    const { document } = normalizeFragments([result.fragment], { lookupManagedPolicy: null });
    const validation = validateCanonicalDocument(document);
    expect(validation.errors).toEqual([]);
  }
}

describe("fuzzing the readers", () => {
  for (const sample of SAMPLES) {
    it(`${sample.name}: a value replaced or removed anywhere`, () => {
      const all = paths(sample.value);
      fc.assert(
        fc.property(fc.nat(all.length - 1), fc.jsonValue({ maxDepth: 3 }), fc.boolean(), (i, replacement, remove) => {
          check(sample.file, JSON.stringify(setAt(sample.value, all[i]!, replacement, remove)));
        }),
        { numRuns: 60 },
      );
    });
    it(`${sample.name}: truncated at any point, or with bytes flipped`, () => {
      const text = JSON.stringify(sample.value);
      fc.assert(
        fc.property(fc.nat(text.length), fc.array(fc.tuple(fc.nat(text.length), fc.integer({ min: 0, max: 255 })), { maxLength: 4 }), (cut, flips) => {
          check(sample.file, text.slice(0, cut));
          const bytes = Buffer.from(text);
          for (const [at, b] of flips) if (at < bytes.length) bytes[at] = b;
          check(sample.file, bytes);
        }),
        { numRuns: 40 },
      );
    });
  }
  // An object whose toString and valueOf are not functions: String(x) and `${x}` throw a TypeError
  // on it (a CloudFormation tag value of this shape crashed the template reader). Put at every
  // place of every sample in turn, it must come out as warnings or a valid document.
  for (const sample of SAMPLES) {
    it(`${sample.name}: an object that cannot be made a string, at every place`, () => {
      const odd = { toString: "", valueOf: "" };
      for (const path of paths(sample.value)) check(sample.file, JSON.stringify(setAt(sample.value, path, odd, false)));
    });
  }

  it("environment variable values never reach warnings or documents, whatever else is broken in the file", () => {
    const secret = fc.string({ minLength: 4, maxLength: 16 }).map((s) => `S3CR3T${s.replace(/[^A-Za-z0-9]/g, "x")}Z`);
    fc.assert(
      fc.property(fc.array(secret, { minLength: 1, maxLength: 3 }), fc.nat(), fc.jsonValue({ maxDepth: 2 }), fc.nat(), (secrets, at, junk, cut) => {
        const config = {
          FunctionName: "f",
          FunctionArn: "arn:aws:lambda:us-east-1:123456789012:function:f",
          Role: "arn:aws:iam::123456789012:role/r",
          Environment: { Variables: Object.fromEntries(secrets.map((v, i) => [`K${i}`, v])) },
          LastModified: "2019-04-30T16:26:38.618+0000",
        };
        const value = { Functions: [config] };
        const all = paths(value).filter((p) => !(p.includes("Variables") && p.length > 4));
        const mutated = JSON.stringify(setAt(value, all[at % all.length]!, junk, false));
        for (const text of [mutated, mutated.slice(0, cut % (mutated.length + 1))]) {
          const r = readSourceBytes("env.json", text, { explicit: true });
          const out = JSON.stringify(r.warnings) + (r.fragment ? JSON.stringify(normalizeFragments([r.fragment], { lookupManagedPolicy: null }).document) : "");
          for (const s of secrets) expect(out.includes(s)).toBe(false);
        }
      }),
      { numRuns: 200 },
    );
  });

  it("arbitrary JSON and arbitrary bytes", () => {
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 4 }), fc.uint8Array({ maxLength: 200 }), (value, bytes) => {
        check("any.json", JSON.stringify(value));
        check("any.bin", bytes);
      }),
      { numRuns: 150 },
    );
  });
  it("shapes that look like AWS outputs with random content", () => {
    const anything = fc.jsonValue({ maxDepth: 3 });
    const shapes = fc.oneof(
      fc.record({ RoleDetailList: fc.array(fc.dictionary(fc.constantFrom("Arn", "RoleName", "Path", "AssumeRolePolicyDocument", "RolePolicyList", "AttachedManagedPolicies", "Tags", "RoleLastUsed", "CreateDate"), anything)) }),
      fc.record({ Policies: fc.array(fc.dictionary(fc.constantFrom("Arn", "PolicyName", "DefaultVersionId", "PolicyVersionList"), anything)) }),
      fc.record({ Functions: fc.array(fc.dictionary(fc.constantFrom("FunctionName", "FunctionArn", "Role", "Environment", "VpcConfig", "Layers", "LastModified", "Version", "TracingConfig", "LoggingConfig"), anything)) }),
      fc.record({ EventSourceMappings: fc.array(fc.dictionary(fc.constantFrom("UUID", "FunctionArn", "EventSourceArn", "DestinationConfig", "SourceAccessConfigurations"), anything)) }),
      fc.record({ FunctionUrlConfigs: fc.array(fc.dictionary(fc.constantFrom("FunctionArn", "AuthType", "FunctionUrl"), anything)) }),
      fc.record({ FunctionEventInvokeConfigs: fc.array(fc.dictionary(fc.constantFrom("FunctionArn", "DestinationConfig"), anything)) }),
      fc.record({ Policy: fc.oneof(fc.string(), anything), RevisionId: fc.string() }),
      fc.record({ schemaVersion: fc.string(), meta: fc.object(), functions: fc.array(anything), roles: fc.array(anything) }),
    );
    fc.assert(
      fc.property(shapes, (value) => {
        check("shape.json", JSON.stringify(value));
      }),
      { numRuns: 300 },
    );
  });
});
