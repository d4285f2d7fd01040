/**
 * Laws of the normaliser, checked on generated exports:
 * - deterministic, and independent of the order of the input files;
 * - idempotent: normalising the canonical document it produced gives the same document;
 * - no environment variable value survives anywhere in the serialised document.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { validateCanonicalDocument } from "../../src/normalize/index.js";
import { normalizeFragments } from "./checked.js";
import { readSourceBytes } from "../../src/sources/read-sources.js";
import type { SourceFragment } from "../../src/sources/types.js";
import { buildExport, roleArn, type ExportSpec } from "./export-builder.js";
import { functionUrlsOf } from "../../src/normalize/functions.js";

const ACTIONS = ["s3:GetObject", "s3:Put*", "dynamodb:GetItem", "sqs:SendMessage", "kms:Decrypt", "logs:*", "iam:PassRole", "*"];
const REGIONS = ["us-east-1", "eu-west-1", "ap-southeast-2"];
const name = fc.stringMatching(/^[a-z][a-z0-9-]{0,11}$/);

/** Values are prefixed so that a leak is unambiguous; their tails are random (any characters). */
const secret = fc.string({ minLength: 1, maxLength: 20 }).map((s) => `SECRET-${s}-VALUE`);

const spec: fc.Arbitrary<ExportSpec> = fc
  .record({
    roles: fc.uniqueArray(
      fc.record({ name, path: fc.constantFrom("/", "/service-role/", "/app/team/"), trustsLambda: fc.boolean(), actions: fc.subarray(ACTIONS), managed: fc.subarray(["Shared", "Logs"]) }),
      { minLength: 1, maxLength: 6, selector: (r) => r.path + r.name },
    ),
    fnCount: fc.integer({ min: 0, max: 6 }),
    providers: fc.uniqueArray(fc.record({ name, region: fc.constantFrom(...REGIONS), role: fc.nat() }), { maxLength: 3, selector: (c) => `${c.region}/${c.name}` }),
    seeds: fc.array(fc.record({ name, region: fc.constantFrom(...REGIONS), role: fc.nat(), env: fc.array(fc.tuple(fc.stringMatching(/^[A-Z][A-Z0-9_]{0,8}$/), secret), { maxLength: 3 }), sqs: fc.boolean(), url: fc.constantFrom("NONE" as const, "AWS_IAM" as const, null), version: fc.option(fc.nat()) }), { maxLength: 6 }),
  })
  .map(({ roles, seeds, providers }) => {
    const seen = new Set<string>();
    const functions = seeds
      .filter((s) => !seen.has(`${s.region}/${s.name}`) && seen.add(`${s.region}/${s.name}`))
      .map((s) => ({ ...s, role: s.role % roles.length, version: s.version === null ? null : s.version % roles.length }));
    const capacityProviders = providers.map((c) => ({ ...c, role: c.role % roles.length }));
    return { account: "123456789012", roles, functions, capacityProviders };
  });

function read(files: Array<{ file: string; text: string }>): SourceFragment[] {
  return files.map((f) => readSourceBytes(f.file, f.text).fragment!).filter((f) => f !== null);
}

describe("normaliser laws", () => {
  it("deterministic and independent of file order", () => {
    fc.assert(
      fc.property(spec, fc.infiniteStream(fc.nat()), (s, stream) => {
        const files = buildExport(s);
        const keys = [...stream.take(files.length)];
        const shuffled = files.map((f, i) => ({ f, k: keys[i]! })).sort((a, b) => a.k - b.k).map((x) => x.f);
        const a = JSON.stringify(normalizeFragments(read(files)).document);
        const b = JSON.stringify(normalizeFragments(read(shuffled)).document);
        expect(b).toBe(a);
      }),
      { numRuns: 40 },
    );
  });

  it("idempotent: the document read back as an input gives the same document", () => {
    fc.assert(
      fc.property(spec, fc.option(fc.date({ min: new Date("2020-01-01"), max: new Date("2030-01-01"), noInvalidDate: true })), (s, asOf) => {
        const doc = normalizeFragments(read(buildExport(s)), asOf ? { asOf: asOf.toISOString() } : {}).document;
        expect(validateCanonicalDocument(doc).errors).toEqual([]);
        // Each capacity provider's use is on its operator role, and survives the round trip below.
        for (const c of s.capacityProviders ?? []) {
          const use = { kind: "capacity-provider-operator", resource: `arn:aws:lambda:${c.region}:${s.account}:capacity-provider:${c.name}` };
          expect(doc.roles.find((r) => r.arn === roleArn(s, c.role))?.lambdaServiceUses).toContainEqual(use);
        }
        const again = readSourceBytes("doc.json", JSON.stringify(doc));
        expect(again.warnings).toEqual([]);
        const twice = normalizeFragments([again.fragment!]).document;
        expect(JSON.stringify(twice)).toBe(JSON.stringify(doc));
      }),
      { numRuns: 30 },
    );
  });

  it("no environment variable value anywhere in the serialised document", () => {
    fc.assert(
      fc.property(spec, (s) => {
        const doc = normalizeFragments(read(buildExport(s))).document;
        const text = JSON.stringify(doc);
        for (const f of s.functions) for (const [, value] of f.env) expect(text.includes(JSON.stringify(value).slice(1, -1))).toBe(false);
        // and the names are all there
        for (const f of s.functions) {
          const fn = doc.functions.find((x) => x.name === f.name && x.region === f.region)!;
          expect(fn.environmentVariableNames).toEqual([...new Set(f.env.map(([k]) => k))].sort());
        }
      }),
      { numRuns: 40 },
    );
  });
});

describe("a function's URLs (functionUrlsOf)", () => {
  const url = fc.record({
    authType: fc.constantFrom("NONE" as const, "AWS_IAM" as const),
    url: fc.option(fc.constantFrom("https://a.lambda-url.us-east-1.on.aws/", "https://b.lambda-url.us-east-1.on.aws/"), { nil: null }),
    qualifier: fc.constantFrom(null, "$LATEST", "live", "beta"),
  });

  it("one per qualifier ($LATEST is the unqualified one), the public one of a qualifier kept, whatever the order; applying it again changes nothing", () => {
    fc.assert(
      fc.property(fc.array(url, { maxLength: 8 }), fc.array(fc.nat()), (list, keys) => {
        const got = functionUrlsOf(list);
        const shuffled = list.map((u, i) => [keys[i] ?? 0, u] as const).sort((a, b) => a[0] - b[0]).map(([, u]) => u);
        expect(functionUrlsOf(shuffled)).toEqual(got);
        expect(functionUrlsOf(got)).toEqual(got);
        const qualifiers = got.map((u) => u.qualifier);
        expect(new Set(qualifiers).size).toBe(qualifiers.length);
        expect(qualifiers).not.toContain("$LATEST");
        expect(new Set(qualifiers)).toEqual(new Set(list.map((u) => (u.qualifier === "$LATEST" ? null : u.qualifier))));
        for (const u of got) {
          const same = list.filter((x) => (x.qualifier === "$LATEST" ? null : x.qualifier) === u.qualifier);
          if (same.some((x) => x.authType === "NONE")) expect(u.authType).toBe("NONE");
        }
      }),
      { numRuns: 300 },
    );
  });
});
