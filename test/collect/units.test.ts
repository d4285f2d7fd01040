/** The collector's pure parts: decoding, redaction, backoff, paths, windows, options, policy. */

import { mkdtempSync, mkdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { dayInWindow, eventFileDay } from "../../src/collect/collect-cloudtrail.js";
import { asFolder, descendsInto, layoutLevel, regionFolderOf, windowKeys } from "../../src/collect/cloudtrail-log-layout.js";
import { decodeAuthorizationDetails, decodePolicyDocument, trustsLambda } from "../../src/collect/iam-documents.js";
import { collectPolicy, CollectError, parseCloudTrailSource, readManifest, REDACTED_VALUE } from "../../src/collect/index.js";
import { resolveOptions } from "../../src/collect/options.js";
import { redactEnvironment } from "../../src/collect/redact.js";
import { awsErrorCode, awsErrorMessage, backoffDelay, isThrottlingError } from "../../src/collect/retry.js";
import { safeSegment } from "../../src/collect/writer.js";

const jsonObject = fc.dictionary(fc.string(), fc.jsonValue()) as fc.Arbitrary<Record<string, unknown>>;

describe("IAM policy documents", () => {
  it("decodes the URL-encoded form IAM sends (the IAM API reference's example trust policy)", () => {
    const wire =
      "%7B%22Version%22%3A%222008-10-17%22%2C%22Statement%22%3A%5B%7B%22Sid%22%3A%22%22%2C%22Effect%22%3A%22Allow%22%2C%22Principal%22%3A%7B%22Service%22%3A%22ec2.amazonaws.com%22%7D%2C%22Action%22%3A%22sts%3AAssumeRole%22%7D%5D%7D";
    expect(decodePolicyDocument(wire)).toEqual({
      Version: "2008-10-17",
      Statement: [{ Sid: "", Effect: "Allow", Principal: { Service: "ec2.amazonaws.com" }, Action: "sts:AssumeRole" }],
    });
  });

  it("keeps + literal (RFC 3986 encoding, not form encoding)", () => {
    expect(decodePolicyDocument("%7B%22Sid%22%3A%22a+b%22%7D")).toEqual({ Sid: "a+b" });
  });

  it("law: URL-encoded or plain JSON of any object decodes to that object", () => {
    fc.assert(
      fc.property(jsonObject, (doc) => {
        const text = JSON.stringify(doc);
        expect(decodePolicyDocument(encodeURIComponent(text))).toEqual(JSON.parse(text));
        expect(decodePolicyDocument(text)).toEqual(JSON.parse(text));
      }),
    );
  });

  it("decodes every document field of the merged output and reports the ones it cannot, keeping them as returned", () => {
    const enc = (o: object) => encodeURIComponent(JSON.stringify(o));
    const trust = { Statement: [{ Effect: "Allow", Principal: { Service: "lambda.amazonaws.com" }, Action: "sts:AssumeRole" }] };
    const { details, problems } = decodeAuthorizationDetails({
      RoleDetailList: [
        {
          Arn: "arn:aws:iam::1:role/r",
          AssumeRolePolicyDocument: enc(trust),
          RolePolicyList: [{ PolicyName: "p", PolicyDocument: "%7Bnot-json" }],
          InstanceProfileList: [{ Roles: [{ AssumeRolePolicyDocument: enc(trust) } as never] } as never],
        },
      ],
      UserDetailList: [{ UserPolicyList: [{ PolicyName: "u", PolicyDocument: enc({ a: 1 }) }] }],
      GroupDetailList: [{ GroupPolicyList: [{ PolicyName: "g", PolicyDocument: enc({ b: 2 }) }] }],
      Policies: [{ PolicyVersionList: [{ Document: enc({ c: 3 }), VersionId: "v1" }] }],
    });
    const d = details as any;
    expect(d.RoleDetailList[0].AssumeRolePolicyDocument).toEqual(trust);
    expect(d.RoleDetailList[0].InstanceProfileList[0].Roles[0].AssumeRolePolicyDocument).toEqual(trust);
    expect(d.RoleDetailList[0].RolePolicyList[0].PolicyDocument).toBe("%7Bnot-json");
    expect(d.UserDetailList[0].UserPolicyList[0].PolicyDocument).toEqual({ a: 1 });
    expect(d.GroupDetailList[0].GroupPolicyList[0].PolicyDocument).toEqual({ b: 2 });
    expect(d.Policies[0].PolicyVersionList[0].Document).toEqual({ c: 3 });
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(/^RoleDetailList\[0\]\.RolePolicyList\[0\]\.PolicyDocument: policy document could not be decoded/);
  });

  it("tells roles Lambda can assume (string or list principal, Allow of sts:AssumeRole that no Deny takes back)", () => {
    const st = (Effect: string, Service: unknown) => ({ Statement: [{ Effect, Principal: { Service }, Action: "sts:AssumeRole" }] });
    expect(trustsLambda(st("Allow", "lambda.amazonaws.com"))).toBe(true);
    expect(trustsLambda(st("Allow", ["ec2.amazonaws.com", "edgelambda.amazonaws.com"]))).toBe(true);
    expect(trustsLambda({ Statement: { Effect: "Allow", Principal: { Service: "lambda.amazonaws.com" }, Action: "sts:AssumeRole" } })).toBe(true);
    // No action: it allows nothing (IAM requires Action or NotAction), as the normaliser reads it.
    expect(trustsLambda({ Statement: { Effect: "Allow", Principal: { Service: "lambda.amazonaws.com" } } })).toBe(false);
    // An explicit Deny of Lambda wins over the Allow.
    expect(trustsLambda({ Statement: [st("Allow", "lambda.amazonaws.com").Statement[0], st("Deny", "lambda.amazonaws.com").Statement[0]] })).toBe(false);
    expect(trustsLambda(st("Deny", "lambda.amazonaws.com"))).toBe(false);
    expect(trustsLambda(st("Allow", "ec2.amazonaws.com"))).toBe(false);
    expect(trustsLambda("%7B")).toBe(false);
  });
});

describe("environment variable redaction", () => {
  it("law: every value is replaced, every name kept, the input untouched", () => {
    fc.assert(
      fc.property(fc.dictionary(fc.string({ minLength: 1 }), fc.string()), fc.string(), (variables, other) => {
        const fn = { FunctionName: other, Environment: { Variables: { ...variables } } };
        const out = redactEnvironment(fn);
        expect(Object.keys(out.Environment.Variables).sort()).toEqual(Object.keys(variables).sort());
        expect(Object.values(out.Environment.Variables).every((v) => v === REDACTED_VALUE)).toBe(true);
        expect(fn.Environment.Variables).toEqual(variables);
        expect(out.FunctionName).toBe(other);
      }),
    );
  });

  it("keeps Environment.Error and functions without variables as they are", () => {
    const err = { Environment: { Error: { ErrorCode: "KMSAccessDeniedException", Message: "x" } } };
    expect(redactEnvironment(err)).toBe(err);
    expect(redactEnvironment({ FunctionName: "f" })).toEqual({ FunctionName: "f" });
  });
});

describe("throttling", () => {
  it("law: backoff is within [0, min(cap, base·2^(retry-1))] (full jitter)", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 40 }),
        fc.integer({ min: 0, max: 5000 }),
        fc.integer({ min: 0, max: 60_000 }),
        fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }),
        (retry, baseMs, capMs, r) => {
          const d = backoffDelay(retry, { retries: 5, baseMs, capMs }, () => r);
          expect(d).toBeGreaterThanOrEqual(0);
          expect(d).toBeLessThanOrEqual(Math.min(capMs, baseMs * 2 ** (retry - 1)));
        },
      ),
    );
  });

  it("law: the ceiling doubles until the cap", () => {
    const policy = { retries: 5, baseMs: 100, capMs: 1000 };
    const almostOne = () => 0.999999;
    expect([1, 2, 3, 4, 5, 6].map((n) => backoffDelay(n, policy, almostOne))).toEqual([99, 199, 399, 799, 999, 999]);
  });

  it("recognises AWS throttling answers and nothing else", () => {
    for (const name of ["ThrottlingException", "Throttling", "TooManyRequestsException", "RequestLimitExceeded", "SlowDown"]) {
      expect(isThrottlingError(Object.assign(new Error("x"), { name })), name).toBe(true);
    }
    expect(isThrottlingError({ name: "Unknown", $metadata: { httpStatusCode: 429 } })).toBe(true);
    expect(isThrottlingError({ name: "X", $retryable: { throttling: true } })).toBe(true);
    expect(isThrottlingError(Object.assign(new Error("x"), { name: "AccessDeniedException" }))).toBe(false);
    expect(isThrottlingError({ name: "InternalFailure", $metadata: { httpStatusCode: 500 } })).toBe(false);
    expect(isThrottlingError(null)).toBe(false);
  });

  it("turns an answer the SDK cannot parse into one line naming the HTTP status", () => {
    const e = Object.assign(new SyntaxError("Unexpected token '<'\n  Deserialization error: to see the raw response…"), {
      $response: { statusCode: 404 },
    });
    expect(awsErrorCode(e)).toBe("UnparseableResponse");
    expect(awsErrorMessage(e)).toMatch(/^HTTP 404: /);
    expect(awsErrorMessage(new Error("a\n  b"))).toBe("a b");
  });
});

describe("paths from API data", () => {
  it("law: a safe segment has no separator, is never . or .., and decodes back to the name", () => {
    fc.assert(
      fc.property(fc.string({ unit: "grapheme", minLength: 1 }).filter((s) => s !== "." && s !== ".."), (name) => {
        const seg = safeSegment(name);
        expect(seg).not.toMatch(/[/\\]/);
        expect([".", ".."]).not.toContain(seg);
        expect(decodeURIComponent(seg)).toBe(name);
      }),
    );
  });

  it("keeps Lambda function names and CloudTrail file names as they are, and refuses . and ..", () => {
    expect(safeSegment("orders-processor_v2")).toBe("orders-processor_v2");
    expect(safeSegment("123456789012_CloudTrail_us-east-1_20260115T1005Z_AAAA.json.gz")).toBe(
      "123456789012_CloudTrail_us-east-1_20260115T1005Z_AAAA.json.gz",
    );
    expect(() => safeSegment("..")).toThrow(CollectError);
    expect(() => safeSegment("")).toThrow(CollectError);
  });
});

describe("CloudTrail S3 layout and window", () => {
  it("finds the day of event files only (not digests, Insights or other objects)", () => {
    const k = "AWSLogs/123456789012/CloudTrail/us-east-1/2026/01/15/123456789012_CloudTrail_us-east-1_20260115T1005Z_AAAA.json.gz";
    expect(eventFileDay(k)?.toISOString()).toBe("2026-01-15T00:00:00.000Z");
    expect(eventFileDay(`prefix/${k}`)?.toISOString()).toBe("2026-01-15T00:00:00.000Z");
    expect(eventFileDay(`AWSLogs/o-abc123/123456789012/CloudTrail/eu-west-1/2026/02/01/x.json.gz`)?.toISOString()).toBe("2026-02-01T00:00:00.000Z");
    expect(eventFileDay(k.replace("/CloudTrail/", "/CloudTrail-Digest/"))).toBeNull();
    expect(eventFileDay(k.replace("/CloudTrail/", "/CloudTrail-Insight/"))).toBeNull();
    expect(eventFileDay("AWSLogs/123456789012/CloudTrail/us-east-1/2026/01/15/")).toBeNull();
  });

  it("law: a day is in the window iff [day, day+24h) meets [start, end]", () => {
    const DAY = 86_400_000;
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 2000 }), fc.integer({ min: 0, max: 2000 * DAY }), fc.integer({ min: 1, max: 400 * DAY }), (d, s, len) => {
        const day = new Date(d * DAY);
        const window = { start: new Date(s), end: new Date(s + len) };
        const meets = day.getTime() <= window.end.getTime() && day.getTime() + DAY > window.start.getTime();
        expect(dayInWindow(day, window)).toBe(meets);
      }),
    );
  });
});

describe("CloudTrail S3 layout: which folders collect walks, and where a region's window starts and ends", () => {
  const org = "team/AWSLogs/o-a1b2c3d4e5/";
  const account = `${org}111111111111/`;
  const region = `${account}CloudTrail/us-east-1/`;

  it("places a folder in the layout from its path, whatever level the prefix names", () => {
    expect(
      ["", "team/", "team/AWSLogs/", org, account, "AWSLogs/111111111111/", `${account}CloudTrail/`, region, `${region}2026/`, `${region}2026/01/15/`].map(layoutLevel),
    ).toEqual(["above", "above", "awslogs", "organization", "account", "account", "cloudtrail", "region", "region", "region"]);
    expect(layoutLevel(`${account}CloudTrail-Digest/`)).toBe("above");
    expect(layoutLevel(`${account}CloudTrail-Digest/us-east-1/`)).toBe("above");
    expect(layoutLevel(`${region}2026/01/15/extra/`)).toBe("above");
    expect(regionFolderOf(`${region}2026/01/`)).toBe(region);
    expect(regionFolderOf(account)).toBeNull();
  });

  it("goes down only the next level of the layout: not into digests, Insights, other services or other prefixes", () => {
    const into = (parent: string, children: string[]) => children.filter((c) => descendsInto(parent, `${parent}${c}`));
    expect(into("", ["AWSLogs/", "team/", "exports/"])).toEqual(["AWSLogs/"]);
    expect(into("team/", ["AWSLogs/", "other/"])).toEqual(["AWSLogs/"]);
    expect(into("team/AWSLogs/", ["o-a1b2c3d4e5/", "111111111111/", "o-short/", "1234/", "elasticloadbalancing/"])).toEqual(["o-a1b2c3d4e5/", "111111111111/"]);
    expect(into(org, ["111111111111/", "222222222222/", "CloudTrail/"])).toEqual(["111111111111/", "222222222222/"]);
    expect(into(account, ["CloudTrail/", "CloudTrail-Digest/", "CloudTrail-Insight/", "elasticloadbalancing/", "vpcflowlogs/"])).toEqual(["CloudTrail/"]);
    expect(into(`${account}CloudTrail/`, ["us-east-1/", "eu-west-1/"])).toEqual(["us-east-1/", "eu-west-1/"]);
    expect(into(region, ["2026/"])).toEqual([]);
  });

  it("lists a region from just before the window's first day until past its last", () => {
    const { startAfter, past } = windowKeys(region, { start: new Date("2025-12-31T23:00:00Z"), end: new Date("2026-01-02T01:00:00Z") });
    const file = (day: string) => `${region}${day}/111111111111_CloudTrail_us-east-1_x.json.gz`;
    expect(startAfter).toBe(`${region}2025/12/31`);
    // S3 returns the keys after startAfter: the first day's, not the day before's.
    expect(file("2025/12/31") > startAfter).toBe(true);
    expect(file("2025/12/30") > startAfter).toBe(false);
    expect([file("2025/12/31"), file("2026/01/01"), file("2026/01/02")].map(past)).toEqual([false, false, false]);
    expect([file("2026/01/03"), file("2026/02/01"), file("2027/01/01"), `${region}2026/01/02x`].map(past)).toEqual([true, true, true, true]);
  });

  it("reads the prefix as a folder", () => {
    expect(["", "org", "org/", "AWSLogs/111111111111/CloudTrail/us-east-1"].map(asFolder)).toEqual(["", "org/", "org/", "AWSLogs/111111111111/CloudTrail/us-east-1/"]);
  });
});

describe("options", () => {
  it("parses --cloudtrail", () => {
    expect(parseCloudTrailSource("lookup")).toEqual({ kind: "lookup" });
    expect(parseCloudTrailSource("s3://my-trail-bucket/org/AWSLogs/")).toEqual({ kind: "s3", bucket: "my-trail-bucket", prefix: "org/AWSLogs/" });
    expect(parseCloudTrailSource("s3://my-trail-bucket")).toEqual({ kind: "s3", bucket: "my-trail-bucket", prefix: "" });
    expect(() => parseCloudTrailSource("s3://")).toThrow(CollectError);
    expect(() => parseCloudTrailSource("cloudtrail")).toThrow(/expected "lookup", "s3:\/\/bucket\/prefix", "athena:<database>.<table>", "lake:<event data store>" or "security-lake:<database>.<table>"/);
  });

  it("resolves the window from --since or --days and rejects contradictions with a message naming the flag", () => {
    const until = new Date("2026-03-01T00:00:00Z");
    expect(resolveOptions({ out: "x", cloudtrail: "lookup", days: 30, until }).window).toEqual({
      start: new Date("2026-01-30T00:00:00Z"),
      end: until,
    });
    expect(resolveOptions({ out: "x", cloudtrail: "lookup", since: "2026-02-01", until }).window?.start.toISOString()).toBe("2026-02-01T00:00:00.000Z");
    expect(resolveOptions({ out: "x", cloudtrail: "lookup", until }).window?.start.toISOString()).toBe("2025-12-01T00:00:00.000Z");
    expect(resolveOptions({ out: "x" }).window).toBeNull();
    expect(() => resolveOptions({ out: "x", cloudtrail: "lookup", since: "2026-02-01", days: 3 })).toThrow(/exclusive/);
    expect(() => resolveOptions({ out: "x", days: 3 })).toThrow(/need --cloudtrail/);
    expect(() => resolveOptions({ out: "x", cloudtrail: "lookup", since: "yesterday" })).toThrow(/--since "yesterday"/);
    expect(() => resolveOptions({ out: "x", cloudtrail: "lookup", since: "2026-04-01", until })).toThrow(/is not before/);
    expect(() => resolveOptions({ out: "x", cloudtrail: "lookup", days: 0 })).toThrow(/--days must be an integer/);
    // Found by the collect review: Event history holds 90 days; a longer window was accepted and
    // recorded in the manifest as read. Other sources keep any window.
    expect(() => resolveOptions({ out: "x", cloudtrail: "lookup", days: 365 })).toThrow(
      "--cloudtrail lookup reads Event history, which holds the last 90 days: --days 365 asks for more (use --cloudtrail s3://… or athena:… for a longer window)",
    );
    expect(() => resolveOptions({ out: "x", cloudtrail: "lookup", since: "2025-06-01", until })).toThrow(/--since 2025-06-01T00:00:00.000Z asks for more/);
    expect(resolveOptions({ out: "x", cloudtrail: "lookup", days: 90 }).window).not.toBeNull();
    expect(resolveOptions({ out: "x", cloudtrail: "s3://trail-bucket/org/", days: 365 }).window).not.toBeNull();
    expect(() => resolveOptions({ out: "" })).toThrow(/--out is required/);
  });

  it("validates and sorts --regions", () => {
    expect(resolveOptions({ out: "x", regions: ["us-east-1", " eu-west-1", "us-east-1"] }).regions).toEqual(["eu-west-1", "us-east-1"]);
    expect(resolveOptions({ out: "x", regions: ["us-gov-west-1", "cn-north-1"] }).regions).toEqual(["cn-north-1", "us-gov-west-1"]);
    expect(resolveOptions({ out: "x", regions: "all" }).regions).toBe("all");
    expect(() => resolveOptions({ out: "x", regions: ["us-east-1", "useast1"] })).toThrow(/not region names: useast1/);
    expect(() => resolveOptions({ out: "x", regions: [] })).toThrow(/--regions is empty/);
    // From JavaScript, the CLI's form: a TypeError ("options.regions.map is not a function") before.
    expect(() => resolveOptions({ out: "x", regions: "us-east-1,eu-west-1" as never })).toThrow(new CollectError('regions must be a list of region names or "all", not "us-east-1,eu-west-1": give ["us-east-1","eu-west-1"]'));
    expect(() => resolveOptions({ out: "x", regions: [1] as never })).toThrow(CollectError);
  });

  it("checks --config-aggregator and --aggregator-region, and refuses with them the options that read one account", () => {
    expect(resolveOptions({ out: "x" }).configAggregator).toBeNull();
    expect(resolveOptions({ out: "x", configAggregator: "org_inventory-1" }).configAggregator).toEqual({ name: "org_inventory-1", region: null });
    expect(resolveOptions({ out: "x", configAggregator: "org", aggregatorRegion: "eu-west-1", cloudtrail: "athena:trails.logs" }).configAggregator).toEqual({ name: "org", region: "eu-west-1" });
    expect(() => resolveOptions({ out: "x", aggregatorRegion: "eu-west-1" })).toThrow("--aggregator-region needs --config-aggregator");
    expect(() => resolveOptions({ out: "x", configAggregator: "org inventory" })).toThrow('--config-aggregator "org inventory" is not an aggregator name');
    expect(() => resolveOptions({ out: "x", configAggregator: "a".repeat(257) })).toThrow(/is not an aggregator name/);
    expect(() => resolveOptions({ out: "x", configAggregator: "org", aggregatorRegion: "eu-west" })).toThrow('--aggregator-region "eu-west" is not a region name');
    expect(() => resolveOptions({ out: "x", configAggregator: "org", accessAnalyzer: true })).toThrow("--config-aggregator cannot be combined with --access-analyzer (it reads one account's analyzer)");
    expect(() => resolveOptions({ out: "x", configAggregator: "org", cloudtrail: "lookup" })).toThrow(/cannot be combined with --cloudtrail lookup/);
    expect(() => resolveOptions({ out: "x", configAggregator: "org", cloudtrail: "s3://org-trail/AWSLogs" })).toThrow(/cannot be combined with --cloudtrail s3:\/\/…/);
  });
});

describe("the generated policy", () => {
  it("allows the aggregator's two AWS Config reads with config-aggregator", () => {
    const p = collectPolicy({ features: ["config-aggregator"] });
    expect(p.Statement.map((s) => s.Sid)).toEqual(["LeastroleCollectInventory", "LeastroleCollectConfigAggregator"]);
    expect(p.Statement[1]).toEqual({ Sid: "LeastroleCollectConfigAggregator", Effect: "Allow", Action: ["config:DescribeConfigurationAggregators", "config:SelectAggregateResourceConfig"], Resource: "*" });
  });

  it("has one statement per feature asked for, inventory always included", () => {
    const p = collectPolicy({ features: ["cloudtrail-lookup"] });
    expect(p.Statement.map((s) => s.Sid)).toEqual(["LeastroleCollectInventory", "LeastroleCollectCloudTrailLookup"]);
    expect(p.Statement[1]?.Action).toEqual(["cloudtrail:LookupEvents"]);
    expect(collectPolicy({ features: [] }).Statement[0]?.Action).toEqual([
      "config:DescribeConfigRules",
      "iam:GetAccountAuthorizationDetails",
      "lambda:GetFunctionEventInvokeConfig",
      "lambda:GetFunctionUrlConfig",
      "lambda:GetLayerVersionPolicy",
      "lambda:GetPolicy",
      "lambda:ListAliases",
      "lambda:ListCapacityProviders",
      "lambda:ListEventSourceMappings",
      "lambda:ListFunctions",
      "lambda:ListLayerVersions",
      "lambda:ListLayers",
      "lambda:ListTags",
    ]);
  });

  it("scopes S3 to the trail bucket and prefix when given, and reads the trails' event selectors with it", () => {
    const p = collectPolicy({ features: ["cloudtrail-s3"], s3: { bucket: "trail", prefix: "org/" }, partition: "aws-us-gov" });
    expect(p.Statement.slice(1)).toEqual([
      {
        Sid: "LeastroleCollectCloudTrailS3List",
        Effect: "Allow",
        Action: ["s3:ListBucket"],
        Resource: "arn:aws-us-gov:s3:::trail",
        Condition: { StringLike: { "s3:prefix": ["org/*"] } },
      },
      { Sid: "LeastroleCollectCloudTrailS3Read", Effect: "Allow", Action: ["s3:GetObject"], Resource: "arn:aws-us-gov:s3:::trail/org/*" },
      // collect reads what the trails delivering there log (collect-trails.ts), so the feature implies it.
      { Sid: "LeastroleCollectCloudTrailTrails", Effect: "Allow", Action: ["cloudtrail:DescribeTrails", "cloudtrail:GetEventSelectors"], Resource: "*" },
    ]);
    // A prefix given without its slash is read as the folder (cloudtrail-log-layout.ts asFolder): the
    // policy must not allow `org2/` either.
    const bare = collectPolicy({ features: ["cloudtrail-s3"], s3: { bucket: "trail", prefix: "org" } });
    expect(bare.Statement.find((s) => s.Sid === "LeastroleCollectCloudTrailS3List")?.Condition).toEqual({ StringLike: { "s3:prefix": ["org/*"] } });
    expect(bare.Statement.find((s) => s.Sid === "LeastroleCollectCloudTrailS3Read")?.Resource).toBe("arn:aws:s3:::trail/org/*");
    expect(collectPolicy({ features: ["cloudtrail-athena"] }).Statement.some((s) => s.Sid === "LeastroleCollectCloudTrailTrails")).toBe(true);
    expect(collectPolicy({ features: ["cloudtrail-lookup"] }).Statement.map((s) => s.Sid)).toEqual(["LeastroleCollectInventory", "LeastroleCollectCloudTrailLookup"]);
    expect(collectPolicy({ features: ["cloudtrail-lake"] }).Statement.at(-1)?.Action).toContain("cloudtrail:GetEventDataStore");
  });
});

describe("manifest for --resume", () => {
  it("refuses a manifest that is not JSON or not collect's, naming the file", () => {
    const dir = mkdtempSync(join(tmpdir(), "leastrole-manifest-"));
    mkdirSync(dir, { recursive: true });
    expect(readManifest(dir)).toBeNull();
    writeFileSync(join(dir, "manifest.json"), "{ truncated");
    expect(() => readManifest(dir)).toThrow(/not valid JSON/);
    try {
      readManifest(dir);
    } catch (e) {
      expect((e as CollectError).file).toBe(join(dir, "manifest.json"));
    }
    writeFileSync(join(dir, "manifest.json"), JSON.stringify({ Functions: [] }));
    expect(() => readManifest(dir)).toThrow(/not a leastrole collect manifest/);
    writeFileSync(join(dir, "manifest.json"), JSON.stringify({ kind: "leastrole-collect-manifest", calls: [], manifestVersion: 9 }));
    expect(() => readManifest(dir)).toThrow(/manifest version 9/);
  });
});
