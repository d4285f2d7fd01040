import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { arnConditionMatches, arnMatches, globCovers, globMatches, hasPatternWildcard, literalArn, narrowestPrefixPattern, parseArn, patternCovers, policyLiteral } from "../../src/iam/index.js";

describe("arnMatches", () => {
  it("matches * and ? per ARN part, case-sensitively", () => {
    expect(arnMatches("*", "arn:aws:s3:::b/k")).toBe(true);
    expect(arnMatches("arn:aws:s3:::b/*", "arn:aws:s3:::b/dir/k")).toBe(true);
    expect(arnMatches("arn:aws:s3:::B/*", "arn:aws:s3:::b/k")).toBe(false);
    expect(arnMatches("arn:aws:lambda:us-east-1:111122223333:function:fn-?", "arn:aws:lambda:us-east-1:111122223333:function:fn-a")).toBe(true);
    expect(arnMatches("arn:aws:lambda:us-east-1:111122223333:function:fn-?", "arn:aws:lambda:us-east-1:111122223333:function:fn-ab")).toBe(false);
    // The resource part keeps its colons, and * there matches across them.
    expect(arnMatches("arn:aws:logs:*:*:log-group:/aws/lambda/*", "arn:aws:logs:us-east-1:1:log-group:/aws/lambda/f:log-stream:s")).toBe(true);
    // A * inside the region part does not swallow the account part.
    expect(arnMatches("arn:aws:sqs:us-*-1:111122223333:q", "arn:aws:sqs:us-east-1:999:111122223333:q")).toBe(false);
    expect(arnMatches("arn:aws:sqs:*:*:q", "not-an-arn")).toBe(false);
  });

  // IAM User Guide, "IAM JSON policy elements: Resource", Using wildcards in resource ARNs: "If the
  // * wildcard is the last character of a resource ARN segment, it can expand to match beyond the
  // colon boundaries." The ARN condition operators check "each of the six colon-delimited
  // components of the ARN ... separately" (IAM User Guide, "Condition operators").
  it("lets a * that ends an ARN part run across colons in a Resource pattern, never in an Arn* condition", () => {
    const fn = "arn:aws:lambda:us-east-1:111122223333:function:f";
    const alias = "arn:aws:lambda:us-east-1:111122223333:function:f:prod";
    for (const [pattern, arn] of [
      ["arn:aws:lambda:*:function:f", fn], // the account part left out: the region's * covers "us-east-1:111122223333"
      ["arn:aws:lambda:us-east-1*:function:f", fn],
      ["arn:aws:lambda:*:function:f:*", alias],
      ["arn:aws:sqs:us-*:111122223333:q", "arn:aws:sqs:us-east-1:999:111122223333:q"],
    ] as const) {
      expect(arnMatches(pattern, arn), pattern).toBe(true);
      expect(arnConditionMatches(pattern, arn), pattern).toBe(false);
    }
    // A * inside a part, and ?, stay inside it; the literal text after the part must still follow.
    expect(arnMatches("arn:aws:lambda:us-*-1:function:f", fn)).toBe(false);
    expect(arnMatches("arn:aws:lambda:us-east-?:function:f", fn)).toBe(false);
    expect(arnMatches("arn:aws:lambda:*:function:g", fn)).toBe(false);
    expect(arnMatches("arn:aws:lambda:*:*:function:f", fn)).toBe(true);
    expect(arnConditionMatches("arn:aws:lambda:*:*:function:f", fn)).toBe(true);
  });

  it("matches a Resource pattern at least wherever an Arn* condition with the same text matches", () => {
    const part = fc.constantFrom("", "*", "?", "us-*", "us-east-1", "1111", "a*b", "x");
    const rest = fc.constantFrom("*", "q", "function:f", "function:*", "table/t*", "a:b");
    const arnPart = fc.constantFrom("", "us-east-1", "1111", "aXb", "x", "us-west-2:1111");
    fc.assert(
      fc.property(part, part, rest, arnPart, arnPart, rest, (region, account, resource, r, a, res) => {
        const pattern = `arn:aws:sqs:${region}:${account}:${resource}`;
        const arn = `arn:aws:sqs:${r}:${a}:${res.replaceAll("*", "z")}`;
        if (arnConditionMatches(pattern, arn)) expect(arnMatches(pattern, arn)).toBe(true);
        // Without a part that ends in *, both are the same per-part match.
        if (!region.endsWith("*") && !account.endsWith("*")) expect(arnMatches(pattern, arn)).toBe(arnConditionMatches(pattern, arn));
      }),
    );
  });

  it("substitutes policy variables only when given (Version 2012-10-17)", () => {
    const p = "arn:aws:s3:::b/home/${aws:username}/*";
    expect(arnMatches(p, "arn:aws:s3:::b/home/Bob/x", { "aws:username": "Bob" })).toBe(true);
    expect(arnMatches(p, "arn:aws:s3:::b/home/Alice/x", { "aws:username": "Bob" })).toBe(false);
    expect(arnMatches(p, "arn:aws:s3:::b/home/${aws:username}/x")).toBe(true); // literal under 2008-10-17
    expect(arnMatches(p, "arn:aws:s3:::b/home/Bob/x", {})).toBe(false); // no value, no default
    expect(arnMatches("arn:aws:s3:::b/${aws:PrincipalTag/team, 'all'}/*", "arn:aws:s3:::b/all/x", {})).toBe(true);
    expect(arnMatches("arn:aws:s3:::b/${*}", "arn:aws:s3:::b/*", {})).toBe(true);
    expect(arnMatches("arn:aws:s3:::b/${*}", "arn:aws:s3:::b/x", {})).toBe(false);
    // Keys are case-insensitive; a substituted value is literal (its * is not a wildcard).
    expect(arnMatches(p, "arn:aws:s3:::b/home/Bob/x", new Map([["aws:username", "Bob"]]))).toBe(true);
    expect(arnMatches(p, "arn:aws:s3:::b/home/anyone/x", { "aws:username": "*" })).toBe(false);
  });

  it("parses ARNs", () => {
    expect(parseArn("arn:aws:iam::123456789012:role/service-role/x")).toEqual({ partition: "aws", service: "iam", region: "", account: "123456789012", resource: "role/service-role/x" });
    expect(parseArn("arn:aws:s3")).toBeNull();
  });
});

describe("pattern algebra", () => {
  it("patternCovers", () => {
    expect(patternCovers("*", "arn:aws:s3:::b/*")).toBe(true);
    expect(patternCovers("arn:aws:s3:::b/*", "arn:aws:s3:::b/dir/*")).toBe(true);
    expect(patternCovers("arn:aws:s3:::b/dir/*", "arn:aws:s3:::b/*")).toBe(false);
    expect(patternCovers("arn:aws:dynamodb:*:*:table/orders-*", "arn:aws:dynamodb:us-east-1:1:table/orders-eu")).toBe(true);
    expect(patternCovers("arn:aws:dynamodb:*:*:table/orders-?", "arn:aws:dynamodb:us-east-1:1:table/orders-*")).toBe(false);
    expect(patternCovers("arn:aws:s3:::b/?", "arn:aws:s3:::b/?")).toBe(true);
    expect(patternCovers("arn:aws:s3:::b/a", "arn:aws:s3:::b/?")).toBe(false);
    expect(patternCovers("arn:aws:s3:::b/*", "*")).toBe(false);
  });

  it("patternCovers reads ${*}, ${?} and ${$} as the characters (not `${`, a wildcard, `}`)", () => {
    expect(patternCovers("arn:aws:s3:::b/a${*}", "arn:aws:s3:::b/a${$}{x}")).toBe(false);
    expect(patternCovers("arn:aws:s3:::b/a${*}", "arn:aws:s3:::b/a${?}")).toBe(false);
    expect(patternCovers("arn:aws:s3:::b/a*", "arn:aws:s3:::b/a${*}")).toBe(true);
    expect(patternCovers("arn:aws:s3:::b/a?", "arn:aws:s3:::b/a${$}")).toBe(true);
    expect(patternCovers("arn:aws:s3:::b/a${*}", "arn:aws:s3:::b/a*")).toBe(false);
    expect(patternCovers("b/${*}*", "b/${*}x")).toBe(true);
  });

  it("policyLiteral / literalArn write $, * and ? in IAM's literal forms, in the resource part only", () => {
    expect(policyLiteral("u/${aws:username}/a*b?")).toBe("u/${$}{aws:username}/a${*}b${?}");
    expect(literalArn("arn:aws:s3:::b/k*")).toBe("arn:aws:s3:::b/k${*}");
    expect(literalArn("arn:aws:ssm:us-east-1:1:parameter/a:b$")).toBe("arn:aws:ssm:us-east-1:1:parameter/a:b${$}");
    expect(hasPatternWildcard("arn:aws:s3:::b/k${*}${?}")).toBe(false);
    expect(hasPatternWildcard("arn:aws:s3:::b/k${*}*")).toBe(true);
    // The engine reads the literal forms back (Version 2012-10-17): only the name itself matches.
    for (const key of ["${aws:username}", "a*b?", "$", "x${*}y"]) {
      const pattern = literalArn(`arn:aws:s3:::b/${key}`);
      expect(arnMatches(pattern, `arn:aws:s3:::b/${key}`, {}), key).toBe(true);
      expect(arnMatches(pattern, `arn:aws:s3:::b/${key.replace(/[*?]/g, "Z")}Z`, { "aws:username": "Z" }), key).toBe(false);
    }
  });

  it("narrowestPrefixPattern", () => {
    expect(narrowestPrefixPattern(["arn:aws:dynamodb:us-east-1:1:table/orders-eu", "arn:aws:dynamodb:us-east-1:1:table/orders-us"])).toBe("arn:aws:dynamodb:us-east-1:1:table/orders-*");
    expect(narrowestPrefixPattern(["arn:aws:sqs:eu-west-1:1:q", "arn:aws:sqs:eu-central-1:1:q"])).toBe("arn:aws:sqs:eu-*:1:q");
    expect(narrowestPrefixPattern(["arn:aws:s3:::b/k", "arn:aws:s3:::b/k"])).toBe("arn:aws:s3:::b/k");
    expect(narrowestPrefixPattern(["arn:aws:s3:::b/k"])).toBe("arn:aws:s3:::b/k");
    expect(narrowestPrefixPattern([])).toBeNull();
  });

  const alphabet = fc.constantFrom("a", "b", "/", "-");
  const arbArn = fc
    .tuple(fc.constantFrom("aws", "aws-cn"), fc.constantFrom("s3", "sqs"), fc.constantFrom("", "us-east-1", "eu-west-1"), fc.constantFrom("", "111122223333"), fc.string({ unit: alphabet, minLength: 1, maxLength: 6 }))
    .map((p) => `arn:${p.join(":")}`);
  const generalise = (arn: string, rnd: number[]) => {
    // Replace random characters with ? and random runs with *: a pattern that matches `arn`.
    let out = "";
    for (let i = 0; i < arn.length; i++) {
      const r = rnd[i % rnd.length] as number;
      if (arn[i] === ":") out += ":";
      else if (r < 0.1) out += "?";
      else if (r < 0.15) {
        out += "*";
        while (i + 1 < arn.length && arn[i + 1] !== ":" && (rnd[(i + 1) % rnd.length] as number) < 0.5) i++;
      } else out += arn[i];
    }
    return out;
  };
  const arbRnd = fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { minLength: 3, maxLength: 12 });

  it("property: a generalised pattern matches its ARN, and narrowestPrefixPattern matches every input", () => {
    fc.assert(
      fc.property(fc.array(arbArn, { minLength: 1, maxLength: 5 }), arbRnd, (arns, rnd) => {
        for (const a of arns) expect(arnMatches(generalise(a, rnd), a)).toBe(true);
        const p = narrowestPrefixPattern(arns) as string;
        for (const a of arns) expect(arnMatches(p, a)).toBe(true);
      }),
      { numRuns: 500 },
    );
  });

  it("property: patternCovers(a, b) and b matches x ⇒ a matches x (soundness)", () => {
    fc.assert(
      fc.property(arbArn, arbRnd, arbRnd, fc.array(arbArn, { maxLength: 10 }), (arn, r1, r2, others) => {
        const b = generalise(arn, r1);
        const a = generalise(b.replaceAll("*", "x"), r2); // a second generalisation, not always covering
        if (patternCovers(a, b)) for (const x of [arn, ...others]) if (arnMatches(b, x)) expect(arnMatches(a, x)).toBe(true);
        // A generalisation of b's match covers b when it only widens: b itself and "*".
        expect(patternCovers(b, b)).toBe(true);
        expect(patternCovers("*", b)).toBe(true);
      }),
      { numRuns: 500 },
    );
  });

  it("property: globCovers agrees with brute force over short strings", () => {
    const arbGlob = fc.string({ unit: fc.constantFrom("a", "b", "*", "?"), maxLength: 4 });
    const strings: string[] = [""];
    // Strings over the patterns' letters plus one other letter (IAM globs run over all characters).
    for (let len = 1; len <= 6; len++) for (const s of strings.filter((x) => x.length === len - 1)) strings.push(`${s}a`, `${s}b`, `${s}c`);
    fc.assert(
      fc.property(arbGlob, arbGlob, (a, b) => {
        const brute = strings.every((s) => !globMatches(b, s) || globMatches(a, s));
        // Patterns of length ≤ 4: a counterexample, if any, has length ≤ 6.
        expect(globCovers(a, b)).toBe(brute);
      }),
      { numRuns: 5000 },
    );
  });
});
