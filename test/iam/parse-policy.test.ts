import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { PolicyParseError } from "../../src/errors.js";
import { parsePolicyDocument, tryParsePolicyDocument } from "../../src/iam/index.js";

function parseError(input: unknown, options?: { file?: string; path?: string }): PolicyParseError {
  const result = tryParsePolicyDocument(input, options);
  if (result.error === undefined) throw new Error("expected a parse error");
  return result.error;
}

describe("parsePolicyDocument: forms", () => {
  // The AWS documentation's example of a URL-encoded document (GetRolePolicy output).
  const encoded =
    "%7B%22Version%22%3A%222012-10-17%22%2C%22Statement%22%3A%5B%7B%22Effect%22%3A%22Allow%22%2C%22Action%22%3A%22s3%3AListBucket%22%2C%22Resource%22%3A%22arn%3Aaws%3As3%3A%3A%3Aexample_bucket%22%7D%5D%7D";

  it("decodes the URL-encoded form the IAM API returns", () => {
    expect(parsePolicyDocument(encoded)).toEqual({
      Version: "2012-10-17",
      Statement: [{ Effect: "Allow", Action: ["s3:ListBucket"], Resource: ["arn:aws:s3:::example_bucket"] }],
    });
  });

  it("keeps + literally in URL-encoded documents (IAM encodes spaces as %20)", () => {
    const doc = { Version: "2012-10-17", Statement: { Sid: "a+b c", Effect: "Allow", Action: "s3:*", Resource: "*" } };
    const enc = encodeURIComponent(JSON.stringify(doc));
    expect(parsePolicyDocument(enc).Statement[0]?.Sid).toBe("a+b c");
  });

  it("gives the same document for object, JSON string and URL-encoded string", () => {
    fc.assert(
      fc.property(arbDocument, (doc) => {
        const a = parsePolicyDocument(doc);
        const b = parsePolicyDocument(JSON.stringify(doc, null, 2));
        const c = parsePolicyDocument(encodeURIComponent(JSON.stringify(doc)));
        expect(b).toEqual(a);
        expect(c).toEqual(a);
      }),
      { numRuns: 300 },
    );
  });

  it("normalises singletons to arrays and condition scalars to strings", () => {
    const doc = parsePolicyDocument({
      Statement: {
        Effect: "Deny",
        NotAction: "iam:*",
        NotResource: "arn:aws:iam::*:role/x",
        Principal: { AWS: "arn:aws:iam::123456789012:root" },
        Condition: { Bool: { "aws:SecureTransport": false }, NumericLessThan: { "s3:max-keys": [10, "20"] } },
      },
    });
    expect(doc).toEqual({
      Statement: [
        {
          Effect: "Deny",
          NotAction: ["iam:*"],
          NotResource: ["arn:aws:iam::*:role/x"],
          Principal: { AWS: ["arn:aws:iam::123456789012:root"] },
          Condition: { Bool: { "aws:SecureTransport": ["false"] }, NumericLessThan: { "s3:max-keys": ["10", "20"] } },
        },
      ],
    });
    expect(doc.Version).toBeUndefined();
  });

  it("accepts Version 2008-10-17, empty Sid, Principal *, and every operator family with qualifiers", () => {
    const doc = parsePolicyDocument({
      Version: "2008-10-17",
      Statement: [
        {
          Sid: "",
          Effect: "Allow",
          Principal: "*",
          Action: ["sqs:SendMessage"],
          Resource: "*",
          Condition: {
            "ForAnyValue:StringLike": { "aws:TagKeys": ["env*"] },
            "ForAllValues:StringEquals": { "aws:TagKeys": ["env", "team"] },
            StringEqualsIfExists: { "aws:RequestedRegion": "eu-west-1" },
            stringequalsignorecase: { "aws:PrincipalTag/team": "A" },
            DateGreaterThan: { "aws:CurrentTime": "2020-01-01T00:00:00Z" },
            IpAddress: { "aws:SourceIp": "203.0.113.0/24" },
            ArnLike: { "aws:SourceArn": "arn:aws:sns:*:*:topic" },
            Null: { "aws:TokenIssueTime": "true" },
            BinaryEquals: { "s3:x": "QmluYXJ5VmFsdWVJbkJhc2U2NA==" },
          },
        },
      ],
    });
    const st = doc.Statement[0]!;
    expect(st.Sid).toBe("");
    expect(st.Principal).toBe("*");
    // Operators are matched case-insensitively and stored in their canonical spelling.
    expect(Object.keys(st.Condition ?? {}).sort()).toEqual(
      [
        "ForAnyValue:StringLike",
        "ForAllValues:StringEquals",
        "StringEqualsIfExists",
        "StringEqualsIgnoreCase",
        "DateGreaterThan",
        "IpAddress",
        "ArnLike",
        "Null",
        "BinaryEquals",
      ].sort(),
    );
  });
});

describe("parsePolicyDocument: errors name the JSON path", () => {
  it("Effect", () => {
    const e = parseError({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: "*", Resource: "*" }, {}, { Effect: "allow", Action: "*" }] }, { file: "x.json" });
    expect(e).toBeInstanceOf(PolicyParseError);
    expect(e.path).toBe("Statement[1].Effect");
    const e2 = parseError({ Statement: [{ Effect: "Allow", Action: "*" }, { Effect: "Allow", Action: "*" }, { Effect: "allow", Action: "*" }] }, { file: "x.json" });
    expect(e2.path).toBe("Statement[2].Effect");
    expect(e2.message).toMatch(/^expected "Allow" or "Deny"/);
    expect(e2.file).toBe("x.json");
    expect(String(e2)).toBe('x.json: Statement[2].Effect: expected "Allow" or "Deny", got "allow"');
  });

  it("prefixes the caller's path", () => {
    const e = parseError({ Statement: { Effect: "Allow", Action: "s3:GetObject", Resource: 5 } }, { path: "RoleDetailList[3].RolePolicyList[0].PolicyDocument" });
    expect(e.path).toBe("RoleDetailList[3].RolePolicyList[0].PolicyDocument.Statement.Resource");
  });

  it.each([
    [{ Statement: [{ Effect: "Allow", Resource: "*" }] }, "Statement[0].Action", /missing/],
    [{ Statement: [{ Effect: "Allow", Action: "*", NotAction: "s3:*" }] }, "Statement[0].NotAction", /both/],
    [{ Statement: [{ Effect: "Allow", Action: ["s3:GetObject", 3] }] }, "Statement[0].Action[1]", /expected a string/],
    [{ Statement: [{ Effect: "Allow", Action: "s3GetObject" }] }, "Statement[0].Action", /service:action/],
    [{ Version: "2012-10-18", Statement: [] }, "Version", /2012-10-17/],
    [{ Statement: [{ Effect: "Allow", Action: "*", Condition: { StringEqualz: { a: "b" } } }] }, "Statement[0].Condition.StringEqualz", /unknown condition operator/],
    [{ Statement: [{ Effect: "Allow", Action: "*", Condition: { NullIfExists: { a: "true" } } }] }, "Statement[0].Condition.NullIfExists", /unknown condition operator/],
    [{ Statement: [{ Effect: "Allow", Action: "*", Condition: { StringEquals: { "aws:x": { a: 1 } } } }] }, 'Statement[0].Condition.StringEquals["aws:x"]', /condition value/],
    [{ Statement: [{ Effect: "Allow", Action: "*", Principal: { Aws: "x" } }] }, "Statement[0].Principal.Aws", /principal type/],
    [{ Statement: [{ Effect: "Allow", Action: "*", Resources: "*" }] }, "Statement[0].Resources", /unknown statement element/],
    [{ Statement: "x" }, "Statement", /statement object/],
    [{ Version: "2012-10-17" }, "Statement", /missing/],
    [[], undefined, /policy document object/],
  ])("%j → %s", (input, path, message) => {
    const e = parseError(input);
    expect(e.path).toBe(path);
    expect(e.message).toMatch(message);
  });

  it("reports bad JSON and bad percent-encoding as PolicyParseError", () => {
    expect(parseError('{"Statement": [').message).toMatch(/not valid JSON/);
    expect(parseError("%7B%E0%A4%A").message).toMatch(/URL-encoded/);
    expect(parseError("").message).toMatch(/empty/);
    expect(parseError(42).message).toMatch(/number 42/);
  });
});

const arbString = fc.string({ unit: fc.constantFrom("a", "b", "*", "?", " ", "+", "%", "/", ":", "é", "\"") , maxLength: 8 });
const arbAction = fc.oneof(fc.constant("*"), fc.tuple(fc.constantFrom("s3", "iam", "ec2"), fc.constantFrom("Get*", "PutObject", "*", "List?")).map(([s, a]) => `${s}:${a}`));
const oneOrMany = <T>(arb: fc.Arbitrary<T>) => fc.oneof(arb, fc.array(arb, { minLength: 1, maxLength: 3 }));
const arbStatement = fc.record(
  {
    Sid: arbString,
    Effect: fc.constantFrom("Allow", "Deny"),
    Action: oneOrMany(arbAction),
    Resource: oneOrMany(arbString),
    Condition: fc.dictionary(
      fc.constantFrom("StringEquals", "ForAnyValue:StringLike", "NumericLessThan", "Bool", "DateGreaterThanIfExists"),
      fc.dictionary(fc.constantFrom("aws:a", "s3:b"), oneOrMany(fc.oneof(arbString, fc.integer(), fc.boolean())), { maxKeys: 2 }),
      { maxKeys: 2 },
    ),
  },
  { requiredKeys: ["Effect", "Action"] },
);
const arbDocument = fc.record(
  { Version: fc.constantFrom("2012-10-17", "2008-10-17"), Id: arbString, Statement: oneOrMany(arbStatement) },
  { requiredKeys: ["Statement"] },
);
