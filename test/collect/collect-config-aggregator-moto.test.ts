/**
 * `collect --config-aggregator` against moto's server mode (5.2.5), and what moto does not serve
 * answered in AWS Config's wire format by the proxy in front of it.
 *
 * moto serves PutConfigurationAggregator, DescribeConfigurationAggregators (with
 * NoSuchConfigurationAggregatorException for a name it does not hold),
 * ListAggregateDiscoveredResources and BatchGetAggregateResourceConfig for AWS::IAM::Role and
 * AWS::IAM::Policy (moto/config/models.py RESOURCE_MAP; no Lambda, user or group items), but not
 * SelectAggregateResourceConfig, which it answers with HTTP 500. So the query's pages are served
 * by the proxy, in the API's shape (AWS Config API Reference, "SelectAggregateResourceConfig",
 * https://docs.aws.amazon.com/config/latest/APIReference/API_SelectAggregateResourceConfig.html:
 * `{Results: ["<row as JSON>" …], QueryInfo, NextToken?}`; JSON 1.1 errors `{__type, message}`),
 * built from moto's own configuration items of the seeded roles and policy (its
 * BatchGetAggregateResourceConfig answer) and from test/fixtures/aws-config's rows of two other
 * accounts' roles and functions.
 */

import { execFileSync } from "node:child_process";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { ConfigServiceClient, PutConfigurationAggregatorCommand } from "@aws-sdk/client-config-service";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { audit } from "../../src/audit/audit.js";
import { AGGREGATOR_QUERY, aggregatorFile } from "../../src/collect/collect-config-aggregator.js";
import { collect, CollectError, type CollectOptions } from "../../src/collect/index.js";
import { startFaultProxy, type Answer, type FaultProxy, type FaultRule } from "./support/fault-proxy.js";
import { startMoto, TEST_CREDENTIALS, type MotoServer } from "./support/moto.js";
import { outDirs } from "./support/out-dirs.js";
import { ACCOUNT, seedAccount, type Seeded } from "./support/seed.js";

const AGGREGATOR = "org-inventory";
const REGION = "us-east-1";
const FIXTURE = resolve(import.meta.dirname, "../fixtures/aws-config/select-aggregate-resource-config.json");
/** The fixture's function's environment variable value, which must never reach a file. */
const FIXTURE_SECRET = "hunter2-DO-NOT-LEAK";

const { outDir, removeAll } = outDirs("leastrole-config-aggregator-");
let moto: MotoServer;
let seeded: Seeded;
/** Every row the query answers: moto's items of the seeded roles and policy, then the fixture's. */
let rows: string[];

const base = (endpoint: string, extra: Partial<CollectOptions> = {}): CollectOptions => ({
  out: outDir(),
  endpoint,
  credentials: TEST_CREDENTIALS,
  throttleBaseMs: 1,
  maxAttempts: 1,
  configAggregator: AGGREGATOR,
  aggregatorRegion: REGION,
  ...extra,
});

const jsonAnswer = (value: unknown, status = 200): Answer => ({ status, headers: { "content-type": "application/x-amz-json-1.1" }, body: JSON.stringify(value) });

/** The query's pages: the first half of the rows with a NextToken, then the rest. */
function selectPages(requests: Array<Record<string, unknown>>): FaultRule["fault"] {
  return ({ body }) => {
    const request = JSON.parse(body) as Record<string, unknown>;
    requests.push(request);
    const half = Math.ceil(rows.length / 2);
    const queryInfo = { SelectFields: [{ Name: "*" }] };
    return request.NextToken === "page-2"
      ? jsonAnswer({ Results: rows.slice(half), QueryInfo: queryInfo })
      : jsonAnswer({ Results: rows.slice(0, half), QueryInfo: queryInfo, NextToken: "page-2" });
  };
}

/** One AWS Config JSON 1.1 call to moto (which reads the region and account from the Authorization header's scope, not its signature). */
async function configApi(operation: string, body: unknown): Promise<unknown> {
  const response = await fetch(moto.endpoint, {
    method: "POST",
    headers: {
      "content-type": "application/x-amz-json-1.1",
      "x-amz-target": `StarlingDoveService.${operation}`,
      authorization: `AWS4-HMAC-SHA256 Credential=${TEST_CREDENTIALS.accessKeyId}/20260101/${REGION}/config/aws4_request, SignedHeaders=host, Signature=0`,
    },
    body: JSON.stringify(body),
  });
  expect(response.status).toBe(200);
  return response.json();
}

const SELECT = /^config\/us-east-1 POST \/ .*"Expression"/;

beforeAll(async () => {
  moto = startMoto();
  seeded = await seedAccount(moto.endpoint);
  const config = new ConfigServiceClient({ endpoint: moto.endpoint, region: REGION, credentials: TEST_CREDENTIALS });
  try {
    await config.send(
      new PutConfigurationAggregatorCommand({
        ConfigurationAggregatorName: AGGREGATOR,
        AccountAggregationSources: [{ AccountIds: [ACCOUNT], AwsRegions: [REGION] }],
      }),
    );
    // moto's configuration items of what seedAccount made, as its aggregator serves them. Read
    // raw: the SDK refuses moto's batch answer (its times are strings where the API's are epoch
    // numbers), and the rows are then exactly moto's JSON.
    const identifiers: unknown[] = [];
    for (const type of ["AWS::IAM::Role", "AWS::IAM::Policy"]) {
      const listed = (await configApi("ListAggregateDiscoveredResources", { ConfigurationAggregatorName: AGGREGATOR, ResourceType: type })) as { ResourceIdentifiers: unknown[] };
      identifiers.push(...listed.ResourceIdentifiers);
    }
    const items = (await configApi("BatchGetAggregateResourceConfig", { ConfigurationAggregatorName: AGGREGATOR, ResourceIdentifiers: identifiers })) as {
      BaseConfigurationItems: Array<Record<string, unknown>>;
      UnprocessedResourceIdentifiers: unknown[];
    };
    expect(items.UnprocessedResourceIdentifiers).toEqual([]);
    // A query's row holds the item's configuration as an object, a batch get's item as a JSON string.
    const motoRows = items.BaseConfigurationItems.map((item) => JSON.stringify({ ...item, configuration: JSON.parse(String(item.configuration)) }));
    expect(motoRows.length).toBeGreaterThanOrEqual(4); // three roles, one customer managed policy
    const fixture = JSON.parse(readFileSync(FIXTURE, "utf8")) as { Results: string[] };
    rows = [...motoRows, ...fixture.Results];
  } finally {
    config.destroy();
  }
}, 180_000);

afterAll(() => {
  moto?.stop();
  removeAll();
});

describe("collect --config-aggregator, what moto serves", () => {
  it("an aggregator that does not exist stops the collection with one line naming it (moto's NoSuchConfigurationAggregatorException)", async () => {
    const error = await collect(base(moto.endpoint, { configAggregator: "no-such-aggregator" })).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CollectError);
    expect((error as Error).message).toBe(
      'AWS Config has no aggregator named "no-such-aggregator" in us-east-1 of this account: check --config-aggregator and --aggregator-region (an aggregator lives in one region of the account that made it)',
    );
  });

  it("moto does not implement SelectAggregateResourceConfig: a failed entry, the collection partial, no file", async () => {
    const { manifest, out } = await collect(base(moto.endpoint));
    const describe = manifest.calls.find((c) => c.operation === "DescribeConfigurationAggregators")!;
    expect(describe).toMatchObject({ status: "ok", region: REGION, target: AGGREGATOR, count: 1 });
    const select = manifest.calls.find((c) => c.operation === "SelectAggregateResourceConfig")!;
    expect(select).toMatchObject({ status: "failed", errorCode: "UnparseableResponse", files: [] });
    expect(manifest.partial).toBe(true);
    expect(manifest.reasons).toEqual([`config:SelectAggregateResourceConfig ${AGGREGATOR} in ${REGION} failed: UnparseableResponse: ${select.errorMessage}`]);
    expect(manifest.options.configAggregator).toEqual({ name: AGGREGATOR, region: REGION });
    // Neither IAM's nor Lambda's API was called: the aggregator's inventory replaces them.
    expect(manifest.calls.map((c) => `${c.service}:${c.operation}`).sort()).toEqual([
      "config:DescribeConfigurationAggregators",
      "config:SelectAggregateResourceConfig",
      "sts:GetCallerIdentity",
    ]);
    expect(existsSync(join(out, "config"))).toBe(false);
  });
});

describe("collect --config-aggregator, the query answered in the API's shape", () => {
  let proxy: FaultProxy;
  const requests: Array<Record<string, unknown>> = [];
  let out: string;
  let manifest: Awaited<ReturnType<typeof collect>>["manifest"];

  beforeAll(async () => {
    proxy = await startFaultProxy(moto.endpoint, [{ match: SELECT, times: Infinity, fault: selectPages(requests) }]);
    ({ manifest, out } = await collect(base(proxy.endpoint)));
  });
  afterAll(() => proxy?.close());

  it("asks for every page of SELECT * of the five types, 100 rows a page, and records one ok entry", () => {
    expect(AGGREGATOR_QUERY).toBe("SELECT * WHERE resourceType IN ('AWS::IAM::Role', 'AWS::IAM::Policy', 'AWS::IAM::User', 'AWS::IAM::Group', 'AWS::Lambda::Function')");
    expect(requests).toEqual([
      { ConfigurationAggregatorName: AGGREGATOR, Expression: AGGREGATOR_QUERY, Limit: 100 },
      { ConfigurationAggregatorName: AGGREGATOR, Expression: AGGREGATOR_QUERY, Limit: 100, NextToken: "page-2" },
    ]);
    const select = manifest.calls.find((c) => c.operation === "SelectAggregateResourceConfig")!;
    expect(select).toMatchObject({ status: "ok", count: rows.length, files: [aggregatorFile(REGION)], attempts: 2 });
    expect(manifest.partial).toBe(false);
  });

  it("writes the rows sorted, with a function's environment variable values replaced by \"\"", () => {
    const text = readFileSync(join(out, aggregatorFile(REGION)), "utf8");
    expect(readFileSync(FIXTURE, "utf8")).toContain(FIXTURE_SECRET);
    expect(text).not.toContain(FIXTURE_SECRET);
    const written = (JSON.parse(text) as { Results: string[] }).Results.map((r) => JSON.parse(r) as Record<string, unknown>);
    expect(written).toHaveLength(rows.length);
    const fn = written.find((r) => r.resourceType === "AWS::Lambda::Function" && r.accountId === "111122223333")!;
    expect((fn.configuration as { environment: { variables: Record<string, string> } }).environment.variables).toEqual({ DB_PASSWORD: "", TABLE_NAME: "" });
    const keys = written.map((r) => `${String(r.resourceType)}\u0000${String(r.accountId)}\u0000${String(r.awsRegion)}\u0000${String(r.arn)}`);
    expect(keys).toEqual([...keys].sort());
  });

  it("audit <collect out> finds what audit finds in the same query's output written by the AWS CLI", async () => {
    // What `aws configservice select-aggregate-resource-config` writes: every page's rows in one Results.
    const cliOutput = join(outDir(), "..", `cli-select-${Date.now()}.json`);
    writeFileSync(cliOutput, JSON.stringify({ Results: rows, QueryInfo: { SelectFields: [{ Name: "*" }] } }));
    const fromCollect = await audit([out]);
    const fromFile = await audit([cliOutput]);
    const findings = (r: typeof fromCollect) => r.report.findings.map((f) => `${f.ruleId} ${f.resource.arn} ${f.message}`).sort();
    expect(findings(fromCollect).length).toBeGreaterThan(0);
    expect(findings(fromCollect)).toEqual(findings(fromFile));
    // The seeded role's wildcard grant and the fixture's other accounts are there.
    expect(findings(fromCollect).some((f) => f.includes(seeded.roles.report))).toBe(true);
    expect(new Set(fromCollect.document.roles.map((r) => r.accountId))).toEqual(new Set([ACCOUNT, "111122223333", "444455556666"]));
    // The aggregator's account is not taken for one whose regions' function lists were read.
    expect(fromCollect.document.accounts).toEqual(fromFile.document.accounts);
    const warnings = (r: typeof fromCollect) => r.document.meta.warnings.map((w) => w.code).sort();
    expect(warnings(fromCollect)).toEqual(warnings(fromFile));
    // Partial alike: the fixture's role names two customer managed policies its rows do not hold
    // (unresolved-managed-policy); the collection itself is complete (no collection-partial).
    expect(fromCollect.document.meta.partial).toBe(fromFile.document.meta.partial);
    expect(warnings(fromCollect)).not.toContain("collection-partial");
  });

  it("--resume carries the query over without asking again", async () => {
    const before = requests.length;
    const again = await collect({ ...base(proxy.endpoint), out, resume: true });
    expect(requests.length).toBe(before);
    expect(again.manifest.calls.find((c) => c.operation === "SelectAggregateResourceConfig")).toMatchObject({ status: "ok", resumed: true });
  });
});

describe("collect --config-aggregator, faults", () => {
  it("a throttled page is retried (retry.ts) and the collection completes", async () => {
    const requests: Array<Record<string, unknown>> = [];
    const throttled: string[] = [];
    const proxy = await startFaultProxy(moto.endpoint, [
      { match: SELECT, times: 2, fault: "throttle" },
      { match: SELECT, times: Infinity, fault: selectPages(requests) },
    ]);
    try {
      const { manifest } = await collect(base(proxy.endpoint, { onProgress: (e) => (e.kind === "throttled" ? throttled.push(e.operation) : undefined) }));
      expect(throttled).toEqual(["config:SelectAggregateResourceConfig", "config:SelectAggregateResourceConfig"]);
      expect(manifest.calls.find((c) => c.operation === "SelectAggregateResourceConfig")).toMatchObject({ status: "ok", count: rows.length, attempts: 4 });
      expect(manifest.partial).toBe(false);
    } finally {
      await proxy.close();
    }
  });

  it("AccessDenied on the query: a failed entry naming the permission's operation, the collection partial", async () => {
    const proxy = await startFaultProxy(moto.endpoint, [
      {
        match: SELECT,
        times: Infinity,
        fault: () => jsonAnswer({ __type: "AccessDeniedException", message: "User: arn:aws:sts::123456789012:assumed-role/audit/x is not authorized to perform: config:SelectAggregateResourceConfig" }, 400),
      },
    ]);
    try {
      const { manifest, out } = await collect(base(proxy.endpoint));
      expect(manifest.calls.find((c) => c.operation === "SelectAggregateResourceConfig")).toMatchObject({ status: "failed", errorCode: "AccessDeniedException", files: [] });
      expect(manifest.partial).toBe(true);
      expect(manifest.reasons[0]).toContain("config:SelectAggregateResourceConfig org-inventory in us-east-1 failed: AccessDeniedException: User:");
      expect(existsSync(join(out, aggregatorFile(REGION)))).toBe(false);
    } finally {
      await proxy.close();
    }
  });

  it("AccessDenied on DescribeConfigurationAggregators only: a note, and the query still reads the inventory", async () => {
    const proxy = await startFaultProxy(moto.endpoint, [
      { match: /^config\/us-east-1 POST \/ .*"ConfigurationAggregatorNames"/, times: Infinity, fault: () => jsonAnswer({ __type: "AccessDeniedException", message: "not authorized to perform: config:DescribeConfigurationAggregators" }, 400) },
      { match: SELECT, times: Infinity, fault: selectPages([]) },
    ]);
    try {
      const { manifest } = await collect(base(proxy.endpoint));
      expect(manifest.partial).toBe(false);
      expect(manifest.notes).toEqual([
        "config:DescribeConfigurationAggregators org-inventory in us-east-1 failed: AccessDeniedException: not authorized to perform: config:DescribeConfigurationAggregators (what the aggregator covers is unknown; the query below reads its inventory)",
      ]);
      expect(manifest.calls.find((c) => c.operation === "SelectAggregateResourceConfig")).toMatchObject({ status: "ok", count: rows.length });
    } finally {
      await proxy.close();
    }
  });

  it("the query's NoSuchConfigurationAggregatorException (deleted since it was described) stops the collection with one line", async () => {
    const proxy = await startFaultProxy(moto.endpoint, [
      { match: SELECT, times: Infinity, fault: () => jsonAnswer({ __type: "NoSuchConfigurationAggregatorException", message: "The configuration aggregator does not exist." }, 400) },
    ]);
    try {
      const error = await collect(base(proxy.endpoint)).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(CollectError);
      expect((error as Error).message).toMatch(/^AWS Config has no aggregator named "org-inventory" in us-east-1 of this account/);
    } finally {
      await proxy.close();
    }
  });
});

describe("collect --config-aggregator, rows that are not what the API documents", () => {
  it("a row that is not JSON is not written and makes the collection partial; a configuration given as a JSON string is redacted too", async () => {
    const fixture = JSON.parse(readFileSync(FIXTURE, "utf8")) as { Results: string[] };
    const fn = fixture.Results.map((r) => JSON.parse(r) as Record<string, unknown>).find((r) => r.accountId === "111122223333" && r.resourceType === "AWS::Lambda::Function")!;
    const stringified = JSON.stringify({ ...fn, configuration: JSON.stringify(fn.configuration) });
    const proxy = await startFaultProxy(moto.endpoint, [{ match: SELECT, times: Infinity, fault: () => jsonAnswer({ Results: [stringified, '{"resourceType": "AWS::Lambda::Function", cut'] }) }]);
    try {
      const { manifest, out } = await collect(base(proxy.endpoint));
      const select = manifest.calls.find((c) => c.operation === "SelectAggregateResourceConfig")!;
      expect(select).toMatchObject({ status: "ok", count: 1, reason: "1 row(s) of the query were not JSON objects and were not written: those resources are missing" });
      expect(manifest.partial).toBe(true);
      const text = readFileSync(join(out, aggregatorFile(REGION)), "utf8");
      expect(text).not.toContain(FIXTURE_SECRET);
      const row = JSON.parse((JSON.parse(text) as { Results: string[] }).Results[0]!) as { configuration: string };
      expect((JSON.parse(row.configuration) as { environment: { variables: Record<string, string> } }).environment.variables).toEqual({ DB_PASSWORD: "", TABLE_NAME: "" });
    } finally {
      await proxy.close();
    }
  });
});

describe("leastrole collect --config-aggregator (the CLI, dist/)", () => {
  const cli = resolve(import.meta.dirname, "../../dist/cli.js");
  const run = (args: string[]) => {
    try {
      const stdout = execFileSync(process.execPath, [cli, "collect", ...args], {
        encoding: "utf8",
        stdio: ["ignore", "pipe", "pipe"],
        env: { PATH: process.env.PATH ?? "", HOME: outDir(), AWS_ACCESS_KEY_ID: TEST_CREDENTIALS.accessKeyId, AWS_SECRET_ACCESS_KEY: TEST_CREDENTIALS.secretAccessKey },
      });
      return { status: 0, stdout, stderr: "" };
    } catch (e) {
      const x = e as { status: number; stdout: string; stderr: string };
      return { status: x.status, stdout: x.stdout, stderr: x.stderr };
    }
  };

  it("an aggregator that does not exist: exit 2, one line, no stack trace", () => {
    const r = run(["--config-aggregator", "no-such-aggregator", "--aggregator-region", REGION, "--endpoint", moto.endpoint, "--out", outDir(), "--quiet"]);
    expect(r.status).toBe(2);
    // The CLI turns off the SDK's Node version warning (docs/collect.md): the one line is all.
    const lines = r.stderr.split("\n").filter((l) => l.trim() !== "");
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain('AWS Config has no aggregator named "no-such-aggregator" in us-east-1');
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });

  it("options that read one account are refused before any call: exit 2", () => {
    const r = run(["--config-aggregator", AGGREGATOR, "--regions", "eu-west-1", "--access-advisor", "--out", outDir(), "--endpoint", "http://127.0.0.1:9"]);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain("--config-aggregator cannot be combined with --regions (the aggregator holds every source region; --aggregator-region names its own), --access-advisor (it reads the roles of the credentials' own account)");
  });
});
