/**
 * A Resource pattern (arnMatches) and an ArnLike / ArnEquals condition value (evaluateCondition)
 * are one ARN glob read two ways, and must agree wherever IAM reads them alike: part by part, `*`
 * and `?` wildcards, case-sensitive, what a policy variable stands for being literal text of its
 * part. They differ by design in one place only (IAM User Guide, Resource element: "If the *
 * wildcard is the last character of a resource ARN segment, it can expand to match beyond the
 * colon boundaries"; Condition operators, ARN: "Each of the six colon-delimited components of the
 * ARN is checked separately"): when one of the first five parts of the pattern ends in `*`, the
 * Resource reading matches at least what the condition reading does. The condition side is
 * evaluated through evaluateCondition, so a second matcher for condition values would show here.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { arnMatches } from "../../src/iam/arn.js";
import { ContextValues, evaluateCondition } from "../../src/iam/conditions.js";

/** Text of one of an ARN's first five parts: few letters, so patterns and ARNs meet often. */
const headText = fc.stringMatching(/^[ab/-]{0,3}$/);
/** The resource part: may hold colons. */
const resourceText = fc.stringMatching(/^[ab:/]{0,4}$/);
const arnOf = fc.tuple(headText, headText, headText, headText, resourceText).map((p) => `arn:${p.join(":")}`);

/** A value for `${aws:username}`: colons and wildcard characters are text once substituted. */
const username = fc.stringMatching(/^[ab:*?]{0,3}$/);

/** A piece of a pattern: text, a wildcard, or a policy variable (its colon is not a separator). */
const piece = (colons: boolean): fc.Arbitrary<string> =>
  fc.oneof(
    { weight: 4, arbitrary: colons ? fc.constantFrom("a", "b", "/", ":") : fc.constantFrom("a", "b", "/", "-") },
    { weight: 2, arbitrary: fc.constantFrom("*", "?") },
    { weight: 1, arbitrary: fc.constantFrom("${aws:username}", "${*}", "${?}", "${$}", "${aws:PrincipalTag/team, 'a:b'}") },
  );
const patternPart = (colons: boolean): fc.Arbitrary<string> => fc.array(piece(colons), { maxLength: 4 }).map((ps) => ps.join(""));
/** A head part that does not end in a `*` wildcard (`${*}` is text, so it may end one). */
const strictHeadPart = patternPart(false).filter((p) => !p.endsWith("*") || p.endsWith("${*}"));

const sixParts = (head: fc.Arbitrary<string>): fc.Arbitrary<string> =>
  fc.tuple(head, head, head, head, patternPart(true)).map((p) => `arn:${p.join(":")}`);

/** Does the ArnLike condition on `aws:SourceArn` hold for `arn`, under Version 2012-10-17? */
function conditionHolds(pattern: string, arn: string, user: string): boolean {
  const ctx = new ContextValues({ "aws:SourceArn": arn, "aws:username": user }, true);
  return evaluateCondition({ ArnLike: { "aws:SourceArn": [pattern] } }, ctx, true).result === true;
}

function resourceMatches(pattern: string, arn: string, user: string): boolean {
  return arnMatches(pattern, arn, new ContextValues({ "aws:SourceArn": arn, "aws:username": user }, true).variables());
}

describe("ARN patterns: Resource and Arn* condition readings", () => {
  it("agree when no first-five part of the pattern ends in `*`, variables included", () => {
    const pattern = fc.oneof(sixParts(strictHeadPart), patternPart(true));
    fc.assert(
      fc.property(pattern, arnOf, username, (p, arn, user) => {
        expect(conditionHolds(p, arn, user), `${p} vs ${arn} (aws:username ${JSON.stringify(user)})`).toBe(resourceMatches(p, arn, user));
      }),
      { numRuns: 3000 },
    );
  });

  it("agree on the pattern's own text as the ARN (every wildcard read as the character)", () => {
    fc.assert(
      fc.property(sixParts(strictHeadPart), username, (p, user) => {
        const arn = p.replace(/\$\{[^}]*\}/g, "x");
        expect(conditionHolds(p, arn, user), p).toBe(resourceMatches(p, arn, user));
      }),
      { numRuns: 1000 },
    );
  });

  it("otherwise the Resource reading matches at least what the condition reading does", () => {
    fc.assert(
      fc.property(sixParts(patternPart(false)), arnOf, username, (p, arn, user) => {
        if (conditionHolds(p, arn, user)) expect(resourceMatches(p, arn, user), `${p} vs ${arn}`).toBe(true);
      }),
      { numRuns: 3000 },
    );
  });

  it("a variable is text of the part it is written in: its own colon and its value's do not split the pattern", () => {
    const role = "arn:aws:iam::${aws:PrincipalAccount}:role/x";
    const vars = new Map([["aws:principalaccount", "123456789012"], ["aws:username", ":"]]);
    expect(arnMatches(role, "arn:aws:iam::123456789012:role/x", vars)).toBe(true);
    expect(arnMatches(role, "arn:aws:iam::999999999999:role/x", vars)).toBe(false);
    const ctx = new ContextValues({ "aws:SourceArn": "arn:aws:sns:us-east-1:1:a:b", "aws:username": ":" }, true);
    expect(evaluateCondition({ ArnLike: { "aws:SourceArn": ["arn:aws:sns:us-east-1:1:a${aws:username}b"] } }, ctx, true).result).toBe(true);
    expect(evaluateCondition({ ArnLike: { "aws:SourceArn": ["arn:aws:sns:us-east-1${aws:username}1:a:b"] } }, ctx, true).result).toBe(false);
  });
});
