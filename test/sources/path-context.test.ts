import { describe, expect, it } from "vitest";
import { pathContext } from "../../src/sources/path-context.js";
import { normalizeFragments } from "../normalize/checked.js";
import { mustRead } from "./helpers.js";

describe("pathContext", () => {
  it.each([
    // cloudmapper: <label>/<region>/<service>-<call>[.json | /<parameter>]
    ["account-data/demo/us-east-1/lambda-get-policy/invpclambda", { call: "lambda-get-policy", service: "lambda", parameter: "invpclambda", region: "us-east-1" }],
    ["account-data/demo/us-east-1/lambda-list-functions.json", { call: "lambda-list-functions", service: "lambda", parameter: null, region: "us-east-1" }],
    ["account-data/demo/us-east-1/iam-generate-service-last-accessed-details/arn%3Aaws%3Aiam%3A%3A123456789012%3Arole%2Fexfiller", { call: "iam-generate-service-last-accessed-details", service: "iam", parameter: "arn:aws:iam::123456789012:role/exfiller", region: "us-east-1" }],
    // a parameter that itself contains a region: the first region folder decides
    ["account-data/demo/us-east-1/route53-list-hosted-zones-by-vpc/us-east-1/vpc-12345678", { call: "route53-list-hosted-zones-by-vpc", service: "route53", parameter: "us-east-1/vpc-12345678", region: "us-east-1" }],
    // leastrole collect: <service>/<region>/<call>/<name>.json
    ["out/lambda/eu-west-1/list-tags/orders-api.json", { call: "list-tags", service: "lambda", parameter: "orders-api", region: "eu-west-1" }],
    ["out/lambda/us-gov-west-1/get-policy/f.json", { call: "get-policy", service: "lambda", parameter: "f", region: "us-gov-west-1" }],
    // a folder of AWS CLI outputs named by the user: `prod` and `copy` are labels, not services
    ["prod/us-east-1/get-policy.json", { call: "get-policy", service: null, parameter: null, region: "us-east-1" }],
    ["copy/us-east-1/get-policy/public-fn.json", { call: "get-policy", service: null, parameter: "public-fn", region: "us-east-1" }],
    ["exports/s3api/us-east-1/get-bucket-policy.json", { call: "get-bucket-policy", service: "s3api", parameter: null, region: "us-east-1" }],
    // not a collector layout: only a file named after a function ARN says something
    ["exports/us-east-1/functions.json", { call: null, service: null, parameter: null, region: null }],
    ["exports/arn%3Aaws%3Alambda%3Aus-east-1%3A123456789012%3Afunction%3Af.json", { call: null, service: null, parameter: "arn:aws:lambda:us-east-1:123456789012:function:f", region: null }],
  ])("%s", (path, expected) => {
    expect(pathContext(path)).toEqual(expected);
  });

  it("reads a get-policy output in a folder of the user's own naming (`prod/us-east-1/`), public statement and all", () => {
    const policy = JSON.stringify({
      Version: "2012-10-17",
      Id: "default",
      Statement: [{ Sid: "public", Effect: "Allow", Principal: "*", Action: "lambda:InvokeFunction", Resource: "arn:aws:lambda:us-east-1:123456789012:function:public-fn" }],
    });
    const fns = mustRead("prod/us-east-1/list-functions.json", { Functions: [{ FunctionName: "public-fn", FunctionArn: "arn:aws:lambda:us-east-1:123456789012:function:public-fn", Role: "arn:aws:iam::123456789012:role/r" }] });
    const got = mustRead("prod/us-east-1/get-policy.json", { Policy: policy, RevisionId: "2f1c0d3e-0000-4000-8000-000000000001" });
    const doc = normalizeFragments([fns, got], { lookupManagedPolicy: null }).document;
    expect(doc.functions[0]!.resourcePolicy?.Statement.map((st) => st.Sid)).toEqual(["public"]);
  });

  it("leastrole collect's list-tags files attach to their function by name and region folder", () => {
    const fns = mustRead("out/lambda/eu-west-1/list-functions.json", { Functions: [{ FunctionName: "orders-api", FunctionArn: "arn:aws:lambda:eu-west-1:123456789012:function:orders-api", Role: "arn:aws:iam::123456789012:role/r" }] });
    const tags = mustRead("out/lambda/eu-west-1/list-tags/orders-api.json", { Tags: { team: "orders" } });
    const doc = normalizeFragments([fns, tags], { lookupManagedPolicy: null }).document;
    expect(doc.functions[0]!.tags).toEqual({ team: "orders" });
  });
});
