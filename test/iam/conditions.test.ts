import { describe, expect, it } from "vitest";
import { ContextValues, evaluateCondition } from "../../src/iam/index.js";
import { cidrContains, parseCidr, parseIp } from "../../src/iam/ip.js";
import { parseDate } from "../../src/iam/conditions.js";

const evalWith = (condition: { [op: string]: { [k: string]: string[] } }, context: { [k: string]: string | string[] }, complete = true, variables = true) =>
  evaluateCondition(condition, new ContextValues(context, complete), variables);

describe("IP addresses", () => {
  it("parses IPv4, IPv6 (compressed, mapped) and CIDR blocks", () => {
    expect(parseIp("203.0.113.7")).not.toBeNull();
    expect(parseIp("2001:db8::1")).toBe(parseIp("2001:0db8:0000:0000:0000:0000:0000:0001"));
    expect(parseIp("::ffff:203.0.113.7")).toBe(parseIp("203.0.113.7"));
    expect(parseIp("256.0.0.1")).toBeNull();
    expect(parseIp("1::2::3")).toBeNull();
    expect(parseCidr("10.0.0.0/33")).toBeNull();
    const block = parseCidr("203.0.113.0/24");
    expect(block && cidrContains(block, parseIp("203.0.113.255") as bigint)).toBe(true);
    expect(block && cidrContains(block, parseIp("203.0.114.0") as bigint)).toBe(false);
    expect(block && cidrContains(block, parseIp("2001:db8::1") as bigint)).toBe(false);
    const v6 = parseCidr("2001:db8::/32");
    expect(v6 && cidrContains(v6, parseIp("2001:db8:ffff::1") as bigint)).toBe(true);
    expect(cidrContains(parseCidr("0.0.0.0/0")!, parseIp("8.8.8.8") as bigint)).toBe(true);
  });
});

describe("dates", () => {
  it("accepts ISO 8601 and epoch seconds", () => {
    expect(parseDate("2020-04-01T00:00:00Z")).toBe(Date.UTC(2020, 3, 1));
    expect(parseDate("1585699200")).toBe(Date.UTC(2020, 3, 1));
    expect(parseDate("2020-04-01")).toBe(Date.UTC(2020, 3, 1));
    expect(parseDate("yesterday")).toBeNull();
  });
});

describe("evaluateCondition", () => {
  it("ANDs operators and keys, ORs values", () => {
    const c = { StringEquals: { "aws:PrincipalTag/team": ["red", "blue"], "aws:RequestedRegion": ["us-east-1"] } };
    expect(evalWith(c, { "aws:PrincipalTag/team": "blue", "aws:RequestedRegion": "us-east-1" }).result).toBe(true);
    expect(evalWith(c, { "aws:PrincipalTag/team": "blue", "aws:RequestedRegion": "eu-west-1" }).result).toBe(false);
  });

  it("is unknown, with the missing keys, when the context is incomplete", () => {
    const c = { StringEquals: { "aws:SourceVpce": ["v"] }, Bool: { "aws:SecureTransport": ["true"] } };
    expect(evalWith(c, { "aws:SecureTransport": "true" }, false)).toEqual({ result: "unknown", missingKeys: ["aws:SourceVpce"] });
    // A definite false wins over unknown.
    expect(evalWith(c, { "aws:SecureTransport": "false" }, false)).toEqual({ result: false, missingKeys: [] });
    // IfExists and Null are unknown too when presence itself is unknown.
    expect(evalWith({ StringEqualsIfExists: { k: ["v"] } }, {}, false).result).toBe("unknown");
    expect(evalWith({ Null: { k: ["true"] } }, {}, false).result).toBe("unknown");
  });

  it("negated operators and set qualifiers on multivalued keys", () => {
    const tags = { "aws:TagKeys": ["env", "team"] };
    expect(evalWith({ "ForAllValues:StringEquals": { "aws:TagKeys": ["env", "team", "owner"] } }, tags).result).toBe(true);
    expect(evalWith({ "ForAllValues:StringEquals": { "aws:TagKeys": ["env"] } }, tags).result).toBe(false);
    expect(evalWith({ "ForAnyValue:StringEquals": { "aws:TagKeys": ["team"] } }, tags).result).toBe(true);
    expect(evalWith({ "ForAnyValue:StringNotEquals": { "aws:TagKeys": ["env"] } }, tags).result).toBe(true);
    expect(evalWith({ "ForAllValues:StringNotEquals": { "aws:TagKeys": ["env"] } }, tags).result).toBe(false);
    expect(evalWith({ StringNotEquals: { "aws:TagKeys": ["env"] } }, tags).result).toBe(false);
    expect(evalWith({ "ForAllValues:StringEquals": { "aws:TagKeys": ["env"] } }, { "aws:TagKeys": [] }).result).toBe(true);
  });

  it("numbers, booleans and policy variables in values", () => {
    expect(evalWith({ NumericLessThan: { "s3:max-keys": ["10"] } }, { "s3:max-keys": "9.5" }).result).toBe(true);
    expect(evalWith({ NumericLessThan: { "s3:max-keys": ["10"] } }, { "s3:max-keys": "ten" }).result).toBe(false);
    expect(evalWith({ Bool: { "aws:SecureTransport": ["TRUE"] } }, { "aws:SecureTransport": "true" }).result).toBe(true);
    const own = { StringLike: { "s3:prefix": ["home/${aws:username}/*"] } };
    expect(evalWith(own, { "s3:prefix": "home/bob/x", "aws:username": "bob" }).result).toBe(true);
    expect(evalWith(own, { "s3:prefix": "home/eve/x", "aws:username": "bob" }).result).toBe(false);
    // Version 2008-10-17: the variable is literal text.
    expect(evalWith(own, { "s3:prefix": "home/${aws:username}/x", "aws:username": "bob" }, true, false).result).toBe(true);
    // Incomplete context, variable unknown.
    expect(evalWith(own, { "s3:prefix": "home/bob/x" }, false)).toEqual({ result: "unknown", missingKeys: ["aws:username"] });
  });
});
