/**
 * LR012 on function URLs with AuthType NONE, through the analysis and the compiled pack: the URL is
 * public only when the policy of the URL's qualifier lets anyone call it. Lambda does not
 * authenticate the caller, but "your function's resource-based policy is always in effect and must
 * grant public access before your function URL can receive requests", and since October 2025 new
 * URLs need lambda:InvokeFunction besides lambda:InvokeFunctionUrl
 * (https://docs.aws.amazon.com/lambda/latest/dg/urls-auth.html). A permission applies only to the
 * ARN it was added for (https://docs.aws.amazon.com/lambda/latest/dg/using-aliases.html).
 * Needs `npm run build:policies` (as `npm test` does).
 */
import { describe, expect, it } from "vitest";
import { analyzeDocument } from "../../src/analysis/index.js";
import { evaluateDocument, loadBuiltinPack } from "../../src/evaluate/index.js";
import { loadActionCatalogSync } from "../../src/iam/index.js";
import type { FunctionUrl, LambdaFunction, PolicyStatement, ResourcePolicyStatementOrigin } from "../../src/model/document.js";
import { documentOf, fn, functionArn, role } from "../fixtures/rules/builders.js";

const catalog = loadActionCatalogSync();
const url = (qualifier: string | null = null): FunctionUrl => ({ authType: "NONE", url: "https://abc.lambda-url.us-east-1.on.aws/", qualifier });

/** The two statements the console, add-permission and SAM's FunctionUrlConfig write for a public URL. */
const urlStatements = (resource: string): PolicyStatement[] => [
  { Sid: "FunctionURLAllowPublicAccess", Effect: "Allow", Principal: "*", Action: ["lambda:InvokeFunctionUrl"], Resource: [resource], Condition: { StringEquals: { "lambda:FunctionUrlAuthType": ["NONE"] } } },
  { Sid: "FunctionURLInvokeAllowPublicAccess", Effect: "Allow", Principal: "*", Action: ["lambda:InvokeFunction"], Resource: [resource], Condition: { Bool: { "lambda:InvokedViaFunctionUrl": ["true"] } } },
];

function lr012(over: Partial<LambdaFunction>, origins?: ResourcePolicyStatementOrigin[]): Array<[string, string]> {
  const f = fn("api", "app", { functionUrls: [url()], ...over, ...(origins ? { resourcePolicyStatementOrigins: origins } : {}) });
  const document = analyzeDocument(documentOf({ roles: [role("app")], functions: [f] }), catalog);
  const { findings, diagnostics } = evaluateDocument(document, [loadBuiltinPack()], { today: "2026-11-01" });
  expect(diagnostics).toEqual([]);
  return findings.filter((x) => x.ruleId === "LR012").map((x) => [x.severity, x.message]);
}

const policyOf = (statements: PolicyStatement[]) => ({ Version: "2012-10-17", Statement: statements });
const PUBLIC = "Function api has a function URL with AuthType NONE: anyone who knows the URL can invoke it";
const PUBLIC_LIVE = "Function api has a function URL (alias live) with AuthType NONE: anyone who knows the URL can invoke it";

describe("LR012: a function URL with AuthType NONE", () => {
  it("is public when the policy grants anyone both permissions (one finding for the URL, none for its statements)", () => {
    expect(lr012({ resourcePolicy: policyOf(urlStatements(functionArn("api"))) })).toEqual([["high", PUBLIC]]);
  });

  it("is not public when no statement grants the public: a low finding that says so", () => {
    for (const resourcePolicy of [null, policyOf([{ Effect: "Allow", Principal: { Service: ["s3.amazonaws.com"] }, Action: ["lambda:InvokeFunction"], Resource: [functionArn("api")], Condition: { StringEquals: { "aws:SourceAccount": ["123456789012"] } } }])]) {
      const got = lr012({ resourcePolicy });
      expect(got.map(([s]) => s)).toEqual(["low"]);
      expect(got[0]![1]).toContain("no statement of its resource policy lets the public call it");
    }
  });

  it("is not public when the public grant is pinned to an account (an unauthenticated call has none)", () => {
    const pinned = urlStatements(functionArn("api")).map((st) => ({ ...st, Condition: { ...st.Condition, StringEquals: { "aws:SourceAccount": ["123456789012"] } } }));
    expect(lr012({ resourcePolicy: policyOf(pinned) }).map(([s]) => s)).toEqual(["low"]);
  });

  it("granted lambda:InvokeFunctionUrl alone: public through a URL created before October 2025", () => {
    const got = lr012({ resourcePolicy: policyOf([urlStatements(functionArn("api"))[0]!]) });
    expect(got.map(([s]) => s)).toEqual(["high"]);
    expect(got[0]![1]).toContain("created before October 2025");
  });

  it("on an alias: only the alias's policy counts (collected per qualifier)", () => {
    const live = `${functionArn("api")}:live`;
    // The function's own policy grants the public: not the alias URL's.
    expect(lr012({ functionUrls: [url("live")], aliases: ["live"], resourcePolicy: policyOf(urlStatements(functionArn("api"))) }, [{ qualifier: null, index: 0 }, { qualifier: null, index: 1 }]).map(([s]) => s)).toEqual(["low"]);
    expect(lr012({ functionUrls: [url("live")], aliases: ["live"], resourcePolicy: policyOf(urlStatements(live)) }, [{ qualifier: "live", index: 0 }, { qualifier: "live", index: 1 }])).toEqual([["high", PUBLIC_LIVE]]);
  });

  it("on an alias, from a template (no origins): the qualifier the statements' Resource names", () => {
    const live = `${functionArn("api")}:live`;
    expect(lr012({ functionUrls: [url("live")], aliases: ["live"], resourcePolicy: policyOf(urlStatements(live)) })).toEqual([["high", PUBLIC_LIVE]]);
    expect(lr012({ functionUrls: [url("live")], aliases: ["live"], resourcePolicy: policyOf(urlStatements(functionArn("api"))) }).map(([s]) => s)).toEqual(["low"]);
  });

  it("on the function and on an alias: each URL is judged by its own policy (one public alias URL was missed when only one URL was kept)", () => {
    const live = `${functionArn("api")}:live`;
    // The unqualified URL's policy grants nothing to the public; alias live's grants both permissions.
    const got = lr012({ functionUrls: [url(), url("live")], aliases: ["live"], resourcePolicy: policyOf(urlStatements(live)) }, [{ qualifier: "live", index: 0 }, { qualifier: "live", index: 1 }]);
    expect(got.map(([s]) => s).sort()).toEqual(["high", "low"]);
    expect(got).toContainEqual(["high", PUBLIC_LIVE]);
    // Both public: two findings, with stable, distinct details.
    const both = policyOf([...urlStatements(functionArn("api")), ...urlStatements(live)]);
    const f = fn("api", "app", { functionUrls: [url(), url("live")], aliases: ["live"], resourcePolicy: both, resourcePolicyStatementOrigins: [{ qualifier: null, index: 0 }, { qualifier: null, index: 1 }, { qualifier: "live", index: 0 }, { qualifier: "live", index: 1 }] });
    const document = analyzeDocument(documentOf({ roles: [role("app")], functions: [f] }), catalog);
    expect(document.functions[0]!.analysis?.publicUrls).toEqual([
      { qualifier: null, invokeFunctionUrl: true, invokeFunction: true, statements: [0, 1] },
      { qualifier: "live", invokeFunctionUrl: true, invokeFunction: true, statements: [2, 3] },
    ]);
    const { findings } = evaluateDocument(document, [loadBuiltinPack()], { today: "2026-11-01" });
    const lr = findings.filter((x) => x.ruleId === "LR012");
    expect(lr.map((x) => [x.severity, x.message])).toEqual(expect.arrayContaining([["high", PUBLIC], ["high", PUBLIC_LIVE]]));
    expect(lr).toHaveLength(2);
    expect(new Set(lr.map((x) => x.fingerprint)).size).toBe(2);
  });
});

describe("LR012: a URL's public statements left behind when the URL was switched to AWS_IAM", () => {
  const iam = (qualifier: string | null = null): FunctionUrl => ({ ...url(qualifier), authType: "AWS_IAM" });

  it("grant nothing now: one low finding per statement, not a critical public grant (the 10,000-function benchmark had 260)", () => {
    // lambda:InvokeFunctionUrl under FunctionUrlAuthType NONE is dormant, and so is lambda:InvokeFunction
    // through the URL: a call through a URL needs both granted.
    const got = lr012({ functionUrls: [iam()], resourcePolicy: policyOf(urlStatements(functionArn("api"))) });
    expect(got.map(([s]) => s)).toEqual(["low", "low"]);
    expect(got[0]![1]).toContain("its URL uses AWS_IAM, so this grants nothing now, but switching the URL to NONE makes the function public at once");
    // One statement alone, as the 10,000-function benchmark's functions have it.
    expect(lr012({ functionUrls: [iam()], resourcePolicy: policyOf([urlStatements(functionArn("api"))[0]!]) }).map(([s]) => s)).toEqual(["low"]);
  });

  it("still count when the URL is on another qualifier, or the statement has no auth-type condition", () => {
    const st = urlStatements(functionArn("api"))[0]!;
    // The URL is alias live's; the statement is in the function's own policy, whose URL the inputs do not show.
    expect(lr012({ functionUrls: [iam("live")], resourcePolicy: policyOf([st]) }, [{ qualifier: null, index: 0 }]).map(([s]) => s)).toEqual(["critical"]);
    // Without the auth-type condition, anyone with AWS credentials may call the AWS_IAM URL, and the
    // InvokeFunction statement beside it is live too.
    const { Condition: _c, ...unconditional } = st;
    expect(lr012({ functionUrls: [iam()], resourcePolicy: policyOf([unconditional, urlStatements(functionArn("api"))[1]!]) }).map(([s]) => s)).toEqual(["critical", "critical"]);
    expect(lr012({ functionUrls: [], resourcePolicy: policyOf([st]) }).map(([s]) => s)).toEqual(["critical"]);
  });

  it("are judged against the URL of their own qualifier when the function has several", () => {
    // Alias live's URL was switched to AWS_IAM and its public statement left behind; the function's
    // own URL is NONE and its policy grants the public. Live's statements are dormant (low), the
    // unqualified URL is public (high).
    const live = `${functionArn("api")}:live`;
    const got = lr012(
      { functionUrls: [url(), iam("live")], aliases: ["live"], resourcePolicy: policyOf([...urlStatements(functionArn("api")), ...urlStatements(live)]) },
      [{ qualifier: null, index: 0 }, { qualifier: null, index: 1 }, { qualifier: "live", index: 0 }, { qualifier: "live", index: 1 }],
    );
    expect(got.map(([s]) => s).sort()).toEqual(["high", "low", "low"]);
    expect(got).toContainEqual(["high", PUBLIC]);
  });
});
