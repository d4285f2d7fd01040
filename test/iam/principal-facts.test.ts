import { readFileSync } from "node:fs";
import { beforeAll, describe, expect, it } from "vitest";
import {
  computePrincipalFacts,
  emptyRoleFacts,
  isActionAllowed,
  listActionGrants,
  loadActionCatalog,
  lookupAwsManagedPolicyDocument,
  parsePolicyDocument,
  whoCanCall,
  type ActionCatalog,
  type PrincipalPolicies,
} from "../../src/iam/index.js";

let catalog: ActionCatalog;
beforeAll(async () => {
  catalog = await loadActionCatalog();
});

const managed = (name: string) => {
  const arn = `arn:aws:iam::aws:policy/${name}`;
  return { arn, document: lookupAwsManagedPolicyDocument(arn) };
};

describe("computePrincipalFacts", () => {
  it("AWSLambdaBasicExecutionRole: three logs actions on *, all support resource-level permissions", () => {
    const facts = computePrincipalFacts({ inlinePolicies: [], managedPolicies: [managed("service-role/AWSLambdaBasicExecutionRole")] }, catalog);
    expect(facts.allowedActions).toEqual(["logs:CreateLogGroup", "logs:CreateLogStream", "logs:PutLogEvents"]);
    expect(facts.allowedActionCount).toBe(3);
    expect(facts.incomplete).toBe(false);
    expect(facts.services).toEqual([
      { service: "logs", actionCount: 3, serviceActionCount: catalog.services.get("logs")?.actionCount, levels: { Write: 3 }, fullAccess: false, resources: ["*"], resourcesTruncated: false, resourceLevelActionsOnStar: 3, conditionalActionCount: 0 },
    ]);
    expect(facts.statements).toHaveLength(1);
    expect(facts.statements[0]).toMatchObject({ policy: "arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole", policyKind: "managed", effect: "Allow", wildcardAction: false, wildcardResource: true, expandedActionCount: 3, resourceLevelActionsOnStarCount: 3 });
    expect(facts.sensitiveActions).toEqual([]);
  });

  it("AWSXRayDaemonWriteAccess: wildcard-only actions on * are not resource-level actions on *", () => {
    const facts = computePrincipalFacts({ inlinePolicies: [], managedPolicies: [managed("AWSXRayDaemonWriteAccess")] }, catalog);
    expect(facts.allowedActions).toContain("xray:PutTraceSegments");
    expect(facts.resourceLevelActionsOnStarCount).toBe(0);
    expect(facts.statements[0]?.resourceLevelActionsOnStar).toEqual([]);
  });

  it("AmazonDynamoDBFullAccess: dynamodb is a full-access service, wildcard action statement", () => {
    const facts = computePrincipalFacts({ inlinePolicies: [], managedPolicies: [managed("AmazonDynamoDBFullAccess")] }, catalog);
    expect(facts.fullAccessServices).toContain("dynamodb");
    expect(facts.fullAccessServices).toContain("dax");
    const ddb = facts.services.find((s) => s.service === "dynamodb");
    expect(ddb?.fullAccess).toBe(true);
    expect(ddb?.actionCount).toBe(catalog.services.get("dynamodb")?.actionCount);
    expect(facts.statements.some((s) => s.wildcardAction && s.actions.includes("dynamodb:*"))).toBe(true);
    // It passes roles to application-autoscaling and others: iam:PassRole is listed with its condition.
    const passRole = facts.sensitiveActions.find((g) => g.action === "iam:PassRole");
    expect(passRole).toBeDefined();
  });

  it("AdministratorAccess stays compact: capped lists with exact counts", () => {
    const facts = computePrincipalFacts({ inlinePolicies: [], managedPolicies: [managed("AdministratorAccess")] }, catalog);
    expect(facts.allowedActionCount).toBe(catalog.size);
    expect(facts.allowedActions).toEqual([]); // all or nothing: a prefix of 22,091 names means nothing
    expect(facts.actionsTruncated).toBe(true);
    expect(facts.services).toHaveLength(25);
    expect(facts.servicesTruncated).toBe(true);
    expect(facts.serviceCount).toBe(catalog.services.size);
    expect(facts.fullAccessServices).toHaveLength(catalog.services.size);
    expect(facts.sensitiveActions.map((g) => g.action)).toContain("iam:PassRole");
    expect(facts.sensitiveActions.every((g) => g.resources.includes("*") && !g.conditional)).toBe(true);
    expect(JSON.stringify(facts).length).toBeLessThan(24_000); // 20.8 kB: 456 full-access service names, 47 sensitive grants, 25 services
    // The kept services are the ones with the most permissions-management actions.
    expect(facts.services.map((s) => s.service)).toContain("iam");
    expect(facts.accessLevelCounts["Permissions management"]).toBe(catalog.levelSets.get("Permissions management")?.count());
  });

  it("PowerUserAccess: NotAction excludes IAM except the listed actions", () => {
    const facts = computePrincipalFacts({ inlinePolicies: [], managedPolicies: [managed("PowerUserAccess")] }, catalog);
    expect(facts.statements[0]).toMatchObject({ wildcardAction: true, notActions: ["iam:*", "organizations:*", "account:*"] });
    expect(facts.fullAccessServices).not.toContain("iam");
    expect(facts.fullAccessServices).toContain("s3");
    // Beyond the capped per-service table, the full grants are available on demand.
    const p = { inlinePolicies: [], managedPolicies: [managed("PowerUserAccess")] };
    const iam = listActionGrants(p, catalog, { service: "iam" }).map((g) => g.action);
    expect(iam).toEqual(expect.arrayContaining(["iam:CreateServiceLinkedRole", "iam:DeleteServiceLinkedRole", "iam:ListRoles"]));
    expect(iam.length).toBeLessThan(10);
    expect(facts.sensitiveActions.map((g) => g.action)).not.toContain("iam:PassRole");
  });

  it("unconditional denies on * remove actions; conditional ones do not", () => {
    const document = parsePolicyDocument({
      Version: "2012-10-17",
      Statement: [
        { Effect: "Allow", Action: "s3:*", Resource: "*" },
        { Effect: "Deny", Action: "s3:Delete*", Resource: "*" },
        { Effect: "Deny", Action: "s3:Put*", Resource: "*", Condition: { Bool: { "aws:SecureTransport": "false" } } },
        { Effect: "Deny", Action: "s3:Get*", Resource: "arn:aws:s3:::secret/*" },
      ],
    });
    const facts = computePrincipalFacts({ inlinePolicies: [{ name: "s3", document }], managedPolicies: [] }, catalog);
    expect(facts.allowedActions.some((a) => a.startsWith("s3:Delete"))).toBe(false);
    expect(facts.allowedActions).toContain("s3:PutObject");
    expect(facts.allowedActions).toContain("s3:GetObject");
    expect(facts.allowedActionCount).toBe(catalog.expand("s3:*").length - catalog.expand("s3:Delete*").length);
  });

  it("the permissions boundary limits; an unresolved policy makes the facts incomplete", () => {
    const all = parsePolicyDocument({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: "*", Resource: "*" }] });
    const boundary = parsePolicyDocument({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: ["s3:Get*", "logs:*"], Resource: "*" }] });
    const p: PrincipalPolicies = {
      inlinePolicies: [{ name: "all", document: all }],
      managedPolicies: [{ arn: "arn:aws:iam::111122223333:policy/missing", document: null }],
      permissionsBoundary: { arn: "arn:aws:iam::111122223333:policy/boundary", document: boundary },
    };
    const facts = computePrincipalFacts(p, catalog);
    expect(facts.allowedActionCount).toBe(catalog.expand("s3:Get*").length + catalog.expand("logs:*").length);
    expect(facts.incomplete).toBe(true);
    expect(facts.unresolvedPolicies).toEqual(["arn:aws:iam::111122223333:policy/missing"]);
    expect(facts.hasPermissionsBoundary).toBe(true);
    expect(facts.statements.map((s) => s.policyKind)).toEqual(["inline", "boundary"]);
  });

  it("conditional grants are counted and flagged; unknown actions are reported", () => {
    const document = parsePolicyDocument({
      Version: "2012-10-17",
      Statement: [
        { Sid: "Cond", Effect: "Allow", Action: ["sqs:SendMessage", "s3:GetObjekt", "madeup:Thing"], Resource: "arn:aws:sqs:*:*:q", Condition: { StringEquals: { "aws:SourceVpce": "v" } } },
      ],
    });
    const facts = computePrincipalFacts({ inlinePolicies: [{ name: "c", document }], managedPolicies: [] }, catalog);
    expect(facts.allowedActions).toEqual(["sqs:SendMessage"]);
    expect(facts.conditionalActionCount).toBe(1);
    expect(facts.unknownActions).toEqual(["madeup:Thing", "s3:GetObjekt"]);
    expect(facts.statements[0]).toMatchObject({ sid: "Cond", hasConditions: true, conditionKeys: ["aws:sourcevpce"], unknownActions: ["madeup:Thing", "s3:GetObjekt"] });
    expect(facts.services[0]).toMatchObject({ service: "sqs", resources: ["arn:aws:sqs:*:*:q"], conditionalActionCount: 1, resourceLevelActionsOnStar: 0 });
  });

  it("is deterministic and emptyRoleFacts matches an empty principal", () => {
    expect(computePrincipalFacts({ inlinePolicies: [], managedPolicies: [] }, catalog)).toEqual(emptyRoleFacts());
    const p = { inlinePolicies: [], managedPolicies: [managed("AmazonDynamoDBFullAccess"), managed("AWSLambdaBasicExecutionRole".replace(/^/, "service-role/"))] };
    expect(JSON.stringify(computePrincipalFacts(p, catalog))).toBe(JSON.stringify(computePrincipalFacts(p, catalog)));
  });

  it("listActionGrants gives scopes and granting statements per action", () => {
    const document = parsePolicyDocument({
      Version: "2012-10-17",
      Statement: [
        { Sid: "Read", Effect: "Allow", Action: "dynamodb:GetItem", Resource: "arn:aws:dynamodb:us-east-1:1:table/orders-eu" },
        { Effect: "Allow", Action: "dynamodb:*Item", Resource: "arn:aws:dynamodb:us-east-1:1:table/orders-us" },
      ],
    });
    const grants = listActionGrants({ inlinePolicies: [{ name: "d", document }], managedPolicies: [] }, catalog, { service: "dynamodb" });
    expect(grants.find((g) => g.action === "dynamodb:GetItem")).toEqual({
      action: "dynamodb:GetItem",
      accessLevel: "Read",
      supportsResourceLevelPermissions: true,
      resources: ["arn:aws:dynamodb:us-east-1:1:table/orders-eu", "arn:aws:dynamodb:us-east-1:1:table/orders-us"],
      conditional: false,
      statements: [
        { policy: "inline:d", index: 0, sid: "Read" },
        { policy: "inline:d", index: 1, sid: null },
      ],
    });
    expect(grants).toHaveLength(7);
  });

  it("computes facts for every principal of a real authorization-details export (cloudsplaining corpus)", () => {
    const file = "/work/shared/corpus/cloudsplaining-test-files/example-authz-details.json";
    const data = JSON.parse(readFileSync(file, "utf8")) as {
      RoleDetailList: { Arn: string; RolePolicyList: { PolicyName: string; PolicyDocument: unknown }[]; AttachedManagedPolicies: { PolicyArn: string }[] }[];
      Policies: { Arn: string; DefaultVersionId: string; PolicyVersionList: { VersionId: string; Document: unknown }[] }[];
    };
    const policies = new Map(data.Policies.map((p, i) => [p.Arn, parsePolicyDocument(p.PolicyVersionList.find((v) => v.VersionId === p.DefaultVersionId)?.Document, { file, path: `Policies[${i}]` })]));
    for (const [i, role] of data.RoleDetailList.entries()) {
      const facts = computePrincipalFacts(
        {
          inlinePolicies: role.RolePolicyList.map((p, j) => ({ name: p.PolicyName, document: parsePolicyDocument(p.PolicyDocument, { file, path: `RoleDetailList[${i}].RolePolicyList[${j}]` }) })),
          managedPolicies: role.AttachedManagedPolicies.map((m) => ({ arn: m.PolicyArn, document: policies.get(m.PolicyArn) ?? lookupAwsManagedPolicyDocument(m.PolicyArn) })),
        },
        catalog,
      );
      expect(facts.incomplete, role.Arn).toBe(false);
      if (role.Arn.endsWith("role/MyRole")) {
        expect(facts.sensitiveActions.map((g) => g.action)).toEqual(["iam:PassRole"]);
        expect(facts.allowedActionCount).toBe(8);
      }
    }
  });
});

describe("isActionAllowed / whoCanCall", () => {
  it("answers PassRole and function-configuration questions", () => {
    const lambdaReader = parsePolicyDocument({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: "lambda:Get*", Resource: "arn:aws:lambda:us-east-1:111122223333:function:fn-*" }] });
    const passer = parsePolicyDocument({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: "iam:PassRole", Resource: "arn:aws:iam::111122223333:role/app-*", Condition: { StringEquals: { "iam:PassedToService": "lambda.amazonaws.com" } } }] });
    const principals = {
      "arn:aws:iam::111122223333:role/reader": { inlinePolicies: [{ name: "r", document: lambdaReader }], managedPolicies: [] },
      "arn:aws:iam::111122223333:role/deployer": { inlinePolicies: [{ name: "p", document: passer }], managedPolicies: [{ arn: "arn:aws:iam::111122223333:policy/gone", document: null }] },
    };
    expect(whoCanCall(principals, "lambda:GetFunctionConfiguration", "arn:aws:lambda:us-east-1:111122223333:function:fn-a")).toEqual([
      { principal: "arn:aws:iam::111122223333:role/reader", decision: "allowed", incomplete: false },
    ]);
    const pass = isActionAllowed(principals["arn:aws:iam::111122223333:role/deployer"], "iam:PassRole", "arn:aws:iam::111122223333:role/app-worker");
    expect(pass.decision).toBe("conditional");
    expect(pass.explanation.missingContextKeys).toEqual(["iam:PassedToService"]);
    expect(pass.incomplete).toBe(true);
    const passToLambda = isActionAllowed(principals["arn:aws:iam::111122223333:role/deployer"], "iam:PassRole", "arn:aws:iam::111122223333:role/app-worker", { context: { "iam:PassedToService": "lambda.amazonaws.com" } });
    expect(passToLambda.decision).toBe("allowed");
  });
});
