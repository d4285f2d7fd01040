/**
 * What collect does when AWS (or whatever stands in for it) does not answer, when the user stops
 * it, and how it names a failure: against moto behind the fault proxy, which can hold a request
 * open forever, deny one operation, or answer a refusal that is not AWS's JSON.
 */

import { spawn } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { createServer, type AddressInfo, type Socket } from "node:net";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { collect, CollectError, type CollectManifest, type CollectOptions } from "../../src/collect/index.js";
import { awsErrorCode, awsErrorMessage } from "../../src/collect/retry.js";
import { startFaultProxy, type FaultRule } from "./support/fault-proxy.js";
import { startMoto, TEST_CREDENTIALS, type MotoServer } from "./support/moto.js";
import { filesUnder, outDirs } from "./support/out-dirs.js";
import { seedAccount } from "./support/seed.js";

let moto: MotoServer;
const { outDir, removeAll } = outDirs("leastrole-collect-stalls-");
const base = (endpoint: string): Omit<CollectOptions, "out"> => ({ endpoint, credentials: TEST_CREDENTIALS, throttleBaseMs: 1, regions: ["us-east-1"] });
const byId = (m: CollectManifest) => new Map(m.calls.map((c) => [c.id, c]));
const readManifest = (out: string) => JSON.parse(readFileSync(join(out, "manifest.json"), "utf8")) as CollectManifest;
const GET_POLICY = /^lambda\/us-east-1 GET \/2015-03-31\/functions\/report-generator\/policy/;

async function until(what: () => boolean, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!what()) {
    if (Date.now() > deadline) throw new Error("condition not reached");
    await new Promise((r) => setTimeout(r, 20));
  }
}

beforeAll(async () => {
  moto = startMoto();
  await seedAccount(moto.endpoint);
});

afterAll(() => {
  moto?.stop();
  removeAll();
});

describe("a call nobody answers", () => {
  it("times out (requestTimeoutMs), is recorded as failed by name, and the rest is collected", async () => {
    const proxy = await startFaultProxy(moto.endpoint, [{ match: GET_POLICY, times: Infinity, fault: "hang" }]);
    try {
      const started = Date.now();
      const { manifest } = await collect({ ...base(proxy.endpoint), out: outDir(), maxAttempts: 2, requestTimeoutMs: 3000 });
      expect(Date.now() - started).toBeLessThan(20_000);
      // The SDK retried it once (TimeoutError is transient), then gave up.
      expect(proxy.injected).toEqual([2]);
      const calls = byId(manifest);
      expect(calls.get("us-east-1/lambda:GetPolicy/report-generator")).toMatchObject({ status: "failed", errorCode: "TimeoutError", attempts: 2 });
      expect(calls.get("us-east-1/lambda:GetPolicy/report-generator")?.errorMessage).toMatch(/timed out after 3000 ms of inactivity \(--request-timeout, requestTimeoutMs\)/);
      expect(calls.get("us-east-1/lambda:ListTags/report-generator")?.status).toBe("ok");
      expect(calls.get("us-east-1/lambda:GetPolicy/orders-processor")?.status).toBe("ok");
      expect(manifest.partial).toBe(true);
      expect(manifest.reasons).toEqual([expect.stringMatching(/^lambda:GetPolicy report-generator in us-east-1 failed: TimeoutError: /)]);
    } finally {
      await proxy.close();
    }
  });

  it("an endpoint that accepts the connection and never answers: the run stops at the identity call, blaming the endpoint", async () => {
    const sockets = new Set<Socket>();
    const silent = createServer((s) => {
      sockets.add(s);
      s.resume(); // read the request, answer nothing
    });
    await new Promise<void>((ok) => silent.listen(0, "127.0.0.1", ok));
    const endpoint = `http://127.0.0.1:${(silent.address() as AddressInfo).port}`;
    try {
      const run = collect({ ...base(endpoint), out: outDir(), maxAttempts: 1, requestTimeoutMs: 300 });
      await expect(run).rejects.toThrow(CollectError);
      await expect(run).rejects.toThrow(new RegExp(`cannot identify the account \\(TimeoutError: .*\\); check the endpoint ${endpoint}`));
    } finally {
      for (const s of sockets) s.destroy();
      await new Promise((ok) => silent.close(ok));
    }
  });

  it("collect --request-timeout: an endpoint that never answers fails in seconds, not minutes, saying which option", async () => {
    // Before: the option had no flag, and the run stayed silent for five minutes (60 s an attempt).
    const sockets = new Set<Socket>();
    const silent = createServer((s) => {
      sockets.add(s);
      s.resume();
    });
    await new Promise<void>((ok) => silent.listen(0, "127.0.0.1", ok));
    const endpoint = `http://127.0.0.1:${(silent.address() as AddressInfo).port}`;
    try {
      const started = Date.now();
      const child = spawn(process.execPath, ["--import", "tsx", join(import.meta.dirname, "../../src/cli/main.ts"), "collect", "--out", outDir(), "--regions", "us-east-1", "--endpoint", endpoint, "--request-timeout", "1"], {
        env: { ...process.env, AWS_ACCESS_KEY_ID: TEST_CREDENTIALS.accessKeyId, AWS_SECRET_ACCESS_KEY: TEST_CREDENTIALS.secretAccessKey, AWS_REGION: "us-east-1", AWS_PROFILE: "" },
        stdio: ["ignore", "ignore", "pipe"],
      });
      let stderr = "";
      child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
      const code = await new Promise<number | null>((resolve) => child.on("exit", (c) => resolve(c)));
      expect(code).toBe(2);
      expect(stderr).toMatch(/timed out after 1000 ms of inactivity \(--request-timeout, requestTimeoutMs\)/);
      expect(Date.now() - started).toBeLessThan(45_000);
    } finally {
      for (const s of sockets) s.destroy();
      await new Promise((ok) => silent.close(ok));
    }
  });

  it("the timeouts are options with defaults, checked like the others", async () => {
    await expect(collect({ out: outDir(), requestTimeoutMs: 0 })).rejects.toThrow(/requestTimeoutMs must be an integer ≥ 1/);
    await expect(collect({ out: outDir(), connectTimeoutMs: 1.5 })).rejects.toThrow(/connectTimeoutMs must be an integer ≥ 1/);
  });
});

describe("interrupting (the abort signal, Ctrl-C)", () => {
  it("ends the call in flight at once: the run stops with a manifest that says so, and --resume finishes it", async () => {
    const rules: FaultRule[] = [{ match: GET_POLICY, times: Infinity, fault: "hang" }];
    const proxy = await startFaultProxy(moto.endpoint, rules);
    const out = outDir();
    const interrupt = new AbortController();
    try {
      // The default request timeout (60 s) would not end it within the test's time: the abort must.
      const run = collect({ ...base(proxy.endpoint), out, concurrency: 1, signal: interrupt.signal });
      run.catch(() => {});
      await until(() => (proxy.injected[0] ?? 0) > 0);
      const aborted = Date.now();
      interrupt.abort();
      await expect(run).rejects.toThrow(/interrupted: the collection stopped; run again with --resume/);
      expect(Date.now() - aborted).toBeLessThan(3_000);
      const manifest = readManifest(out);
      expect(manifest.reasons).toContain("the collection did not finish");
      // Ended by the interruption, not failed: no entry, so --resume makes the call again.
      expect(byId(manifest).has("us-east-1/lambda:GetPolicy/report-generator")).toBe(false);
      expect(manifest.calls.filter((c) => c.status === "failed" && c.errorCode === "AbortError")).toEqual([]);
      // Resumed through the same endpoint (another is refused), now answering.
      rules.length = 0;
      const resumed = (await collect({ ...base(proxy.endpoint), out, resume: true })).manifest;
      expect(byId(resumed).get("us-east-1/lambda:GetPolicy/report-generator")).toMatchObject({ status: "ok", resumed: false });
      expect(byId(resumed).get("us-east-1/lambda:ListFunctions")).toMatchObject({ status: "ok", resumed: true });
      expect(resumed.reasons.filter((r) => !r.startsWith("lambda:ListCapacityProviders"))).toEqual([]);
    } finally {
      await proxy.close();
    }
  });

  it("the CLI: the first Ctrl-C stops a stalled call and exits 2, saying 'stopping' without a query that is not there", async () => {
    const proxy = await startFaultProxy(moto.endpoint, [{ match: GET_POLICY, times: Infinity, fault: "hang" }]);
    const out = outDir();
    try {
      const child = spawn(process.execPath, ["--import", "tsx", join(import.meta.dirname, "../../src/cli/main.ts"), "collect", "--out", out, "--regions", "us-east-1", "--endpoint", proxy.endpoint], {
        env: { ...process.env, AWS_ACCESS_KEY_ID: TEST_CREDENTIALS.accessKeyId, AWS_SECRET_ACCESS_KEY: TEST_CREDENTIALS.secretAccessKey, AWS_REGION: "us-east-1", AWS_PROFILE: "" },
        stdio: ["ignore", "ignore", "pipe"],
      });
      let stderr = "";
      child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
      const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
      await until(() => (proxy.injected[0] ?? 0) > 0, 60_000);
      const interrupted = Date.now();
      child.kill("SIGINT");
      expect(await exited).toBe(2); // one Ctrl-C is enough (a second one exits 130)
      expect(Date.now() - interrupted).toBeLessThan(5_000);
      expect(stderr).toMatch(/leastrole: interrupted: stopping \(Ctrl-C again to quit at once\)/);
      expect(stderr).not.toMatch(/query/);
      expect(stderr).toMatch(/interrupted: the collection stopped; run again with --resume/);
      expect(readManifest(out).reasons).toContain("the collection did not finish");
    } finally {
      await proxy.close();
    }
  }, 90_000);
});

describe("killed (SIGKILL) mid-run, then --resume", () => {
  it("the resumed folder holds exactly what its manifest lists: nothing the killed run wrote unrecorded survives a call that now finds nothing", async () => {
    // Found by the collect sweep: a policy removed between the runs stayed on disk (the resumed
    // GetPolicy said "none"), and audit reported it as a critical public policy.
    const env = { ...process.env, AWS_ACCESS_KEY_ID: TEST_CREDENTIALS.accessKeyId, AWS_SECRET_ACCESS_KEY: TEST_CREDENTIALS.secretAccessKey, AWS_REGION: "us-east-1", AWS_PROFILE: "" };
    const policyFile = "lambda/us-east-1/get-policy/report-generator.json";
    const out = outDir();
    // Held open: the function's earlier calls (GetPolicy among them) are done and written when it is seen.
    const rules: FaultRule[] = [{ match: /^lambda\/us-east-1 GET \/[\d-]+\/functions\/report-generator\/event-invoke-config/, times: Infinity, fault: "hang" }];
    // One endpoint for both runs (--resume refuses another), its faults changed between them.
    const proxy = await startFaultProxy(moto.endpoint, rules);
    try {
      const child = spawn(process.execPath, ["--import", "tsx", join(import.meta.dirname, "../../src/cli/main.ts"), "-q", "collect", "--out", out, "--regions", "us-east-1", "--endpoint", proxy.endpoint], {
        env,
        stdio: "ignore",
      });
      const exited = new Promise<void>((resolve) => child.on("exit", () => resolve()));
      await until(() => (proxy.injected[0] ?? 0) > 0, 60_000);
      child.kill("SIGKILL");
      await exited;
      expect(existsSync(join(out, policyFile))).toBe(true);
      expect(readManifest(out).reasons).toContain("the collection did not finish");

      // Between the runs the permission was removed: GetPolicy answers ResourceNotFoundException.
      rules.splice(0, rules.length, {
        match: GET_POLICY,
        times: Infinity,
        fault: () => ({
          status: 404,
          headers: { "content-type": "application/json", "x-amzn-errortype": "ResourceNotFoundException" },
          body: JSON.stringify({ Type: "User", Message: "The resource you requested does not exist." }),
        }),
      });
      const { manifest } = await collect({ ...base(proxy.endpoint), out, resume: true });
      expect(manifest.reasons).toEqual([]);
      expect(filesUnder(out)).toEqual([...manifest.calls.filter((c) => c.status === "ok").flatMap((c) => c.files), "manifest.json"].sort());
      // Carried over only if the killed run's manifest recorded it (saved every 2 s); asked again otherwise: no policy now, and no file.
      const policy = byId(manifest).get("us-east-1/lambda:GetPolicy/report-generator");
      expect(policy?.status).toBe("ok");
      expect(existsSync(join(out, policyFile))).toBe(policy?.resumed === true);
      if (policy?.resumed !== true) expect(policy).toMatchObject({ absent: true, files: [] });
    } finally {
      await proxy.close();
    }
  }, 90_000);
});

describe("naming the call that failed", () => {
  it("Access Analyzer: ListAnalyzers denied is reported as ListAnalyzers, under the unit's unchanged id", async () => {
    const proxy = await startFaultProxy(moto.endpoint, [{ match: /^access-analyzer\/us-east-1 GET \/analyzer\?/, times: Infinity, fault: "deny" }]);
    const progress: string[] = [];
    try {
      const { manifest } = await collect({ ...base(proxy.endpoint), out: outDir(), accessAnalyzer: true, onProgress: (e) => progress.push(e.message) });
      const entry = byId(manifest).get("us-east-1/accessanalyzer:GetFindingV2");
      expect(entry).toMatchObject({ status: "failed", operation: "GetFindingV2", failedOperation: "accessanalyzer:ListAnalyzers", errorCode: "AccessDeniedException" });
      expect(manifest.reasons).toContain("accessanalyzer:ListAnalyzers in us-east-1 failed: AccessDeniedException: injected denial for this region");
      expect(manifest.reasons.join("\n")).not.toMatch(/GetFindingV2/);
      expect(progress).toContain("accessanalyzer:ListAnalyzers [us-east-1]: FAILED AccessDeniedException: injected denial for this region");
    } finally {
      await proxy.close();
    }
  });

  it("Access Advisor: GenerateServiceLastAccessedDetails denied is reported as that call, per role", async () => {
    const proxy = await startFaultProxy(moto.endpoint, [{ match: /^iam\/\S+ POST \/ .*Action=GenerateServiceLastAccessedDetails/, times: Infinity, fault: "deny" }]);
    try {
      const { manifest } = await collect({ ...base(proxy.endpoint), out: outDir(), accessAdvisor: true, pollIntervalMs: 1 });
      const advisor = manifest.calls.filter((c) => c.operation === "GetServiceLastAccessedDetails");
      expect(advisor.length).toBeGreaterThan(0);
      for (const c of advisor) {
        expect(c).toMatchObject({ status: "failed", failedOperation: "iam:GenerateServiceLastAccessedDetails", errorCode: "AccessDeniedException" });
        expect(c.id).toBe(`global/iam:GetServiceLastAccessedDetails/${c.target}`);
        expect(manifest.reasons).toContain(`iam:GenerateServiceLastAccessedDetails ${c.target} failed: AccessDeniedException: injected denial for this region`);
      }
      expect(manifest.reasons.join("\n")).not.toMatch(/iam:GetServiceLastAccessedDetails/);
    } finally {
      await proxy.close();
    }
  });

  it("a failure of the unit's own operation carries no failedOperation", async () => {
    const proxy = await startFaultProxy(moto.endpoint, [{ match: GET_POLICY, times: Infinity, fault: "deny" }]);
    try {
      const { manifest } = await collect({ ...base(proxy.endpoint), out: outDir() });
      const entry = byId(manifest).get("us-east-1/lambda:GetPolicy/report-generator");
      expect(entry?.status).toBe("failed");
      expect(entry).not.toHaveProperty("failedOperation");
    } finally {
      await proxy.close();
    }
  });
});

describe("a refusal whose body is not AWS's JSON", () => {
  it("HTTP 401/403 is said to be a denial, not an operation the endpoint lacks", async () => {
    const proxy = await startFaultProxy(moto.endpoint, [
      { match: GET_POLICY, times: Infinity, fault: () => ({ status: 403, headers: { "content-type": "text/html" }, body: "<html><body>403 Forbidden</body></html>" }) },
    ]);
    try {
      const { manifest } = await collect({ ...base(proxy.endpoint), out: outDir(), maxAttempts: 1 });
      const entry = byId(manifest).get("us-east-1/lambda:GetPolicy/report-generator");
      expect(entry?.status).toBe("failed");
      expect(entry?.errorMessage).toMatch(/^HTTP 403: access denied/);
      expect(entry?.errorMessage).not.toMatch(/implement/);
    } finally {
      await proxy.close();
    }
    const unparseable = (status: number) => Object.assign(new SyntaxError("Unexpected token '<'\n Deserialization error: …"), { $response: { statusCode: status } });
    expect(awsErrorCode(unparseable(401))).toBe("UnparseableResponse");
    expect(awsErrorMessage(unparseable(401))).toMatch(/^HTTP 401: access denied/);
    expect(awsErrorMessage(unparseable(404))).toMatch(/^HTTP 404: .*does the endpoint implement this operation\?/);
  });

  it("HTTP 429 whose body is not AWS's is throttling, retried, and then said to be throttling, not an operation the endpoint lacks", async () => {
    // Found by the collect sweep: retried as throttling (the SDK and collect go by the status), then
    // recorded as "does the endpoint implement this operation?".
    const proxy = await startFaultProxy(moto.endpoint, [
      { match: GET_POLICY, times: Infinity, fault: () => ({ status: 429, headers: { "content-type": "text/html" }, body: "<html><body>429 Too Many Requests</body></html>" }) },
    ]);
    try {
      const { manifest } = await collect({ ...base(proxy.endpoint), out: outDir(), maxAttempts: 1, throttleRetries: 2 });
      const entry = byId(manifest).get("us-east-1/lambda:GetPolicy/report-generator");
      expect(entry).toMatchObject({ status: "failed", errorCode: "UnparseableResponse", attempts: 3 });
      expect(entry?.errorMessage).toBe("HTTP 429: too many requests, still throttled after the retries (the answer's body is not an AWS error response); collect --resume makes the call again");
    } finally {
      await proxy.close();
    }
  });
});

describe("error codes that say what happened", () => {
  it("a connection the server closed mid-call is ECONNRESET, not TimeoutError; a 200 answer cut short is a broken transfer, not a missing operation", async () => {
    // Found by the collect sweep: "TimeoutError: socket hang up", and "does the endpoint implement this operation?".
    const proxy = await startFaultProxy(moto.endpoint, [
      { match: /^lambda\/us-east-1 GET \/2015-03-31\/functions\/?\?/, times: Infinity, fault: () => ({ status: 200, headers: { "content-type": "application/json" }, body: '{"Functions": [{"FunctionName": "orders-proc' }) },
    ]);
    try {
      const { manifest } = await collect({ ...base(proxy.endpoint), out: outDir(), maxAttempts: 1 });
      expect(byId(manifest).get("us-east-1/lambda:ListFunctions")).toMatchObject({ status: "failed", errorCode: "UnparseableResponse" });
      expect(byId(manifest).get("us-east-1/lambda:ListFunctions")?.errorMessage).toBe("HTTP 200: the answer could not be read (cut short or damaged in transfer?); collect --resume makes the call again");
    } finally {
      await proxy.close();
    }
    const dropped = await startFaultProxy(moto.endpoint, [{ match: GET_POLICY, times: Infinity, fault: "drop" }]);
    try {
      const { manifest } = await collect({ ...base(dropped.endpoint), out: outDir(), maxAttempts: 1 });
      expect(byId(manifest).get("us-east-1/lambda:GetPolicy/report-generator")).toMatchObject({ status: "failed", errorCode: "ECONNRESET" });
    } finally {
      await dropped.close();
    }
  });
});

describe("the CLI's -q", () => {
  it("prints no progress, no 'wrote' line and no notes; a partial collection's reasons still go to stderr", async () => {
    const run = (endpoint: string) =>
      new Promise<{ code: number | null; stderr: string }>((resolve) => {
        const child = spawn(process.execPath, ["--import", "tsx", join(import.meta.dirname, "../../src/cli/main.ts"), "-q", "collect", "--out", outDir(), "--regions", "us-east-1", "--endpoint", endpoint], {
          env: { ...process.env, AWS_ACCESS_KEY_ID: TEST_CREDENTIALS.accessKeyId, AWS_SECRET_ACCESS_KEY: TEST_CREDENTIALS.secretAccessKey, AWS_REGION: "us-east-1", AWS_PROFILE: "" },
          stdio: ["ignore", "ignore", "pipe"],
        });
        let stderr = "";
        child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
        child.on("exit", (code) => resolve({ code, stderr }));
      });
    // moto lacks ListCapacityProviders: a note, which -q leaves out.
    const complete = await run(moto.endpoint);
    expect(complete).toEqual({ code: 0, stderr: "" });
    const proxy = await startFaultProxy(moto.endpoint, [{ match: GET_POLICY, times: Infinity, fault: "deny" }]);
    try {
      const partial = await run(proxy.endpoint);
      expect(partial.code).toBe(1);
      expect(partial.stderr).toMatch(/^leastrole: incomplete: lambda:GetPolicy report-generator in us-east-1 failed: AccessDeniedException/m);
      expect(partial.stderr).not.toMatch(/wrote|note:|GetCallerIdentity/);
    } finally {
      await proxy.close();
    }
  }, 60_000);
});

describe("the CLI: one missing per-function permission", () => {
  it("is said once, with how many calls failed and the IAM action to add, not once per function; the manifest keeps every call", async () => {
    // Found by the collect sweep: 2 lines per function on stderr (a FAILED line and an incomplete: line).
    const out = outDir();
    const proxy = await startFaultProxy(moto.endpoint, [{ match: /^lambda\/us-east-1 GET \/[\d-]+\/functions\/[^/]+\/url/, times: Infinity, fault: "deny" }]);
    try {
      const { code, stderr } = await new Promise<{ code: number | null; stderr: string }>((resolve) => {
        const child = spawn(process.execPath, ["--import", "tsx", join(import.meta.dirname, "../../src/cli/main.ts"), "collect", "--out", out, "--regions", "us-east-1", "--endpoint", proxy.endpoint], {
          env: { ...process.env, AWS_ACCESS_KEY_ID: TEST_CREDENTIALS.accessKeyId, AWS_SECRET_ACCESS_KEY: TEST_CREDENTIALS.secretAccessKey, AWS_REGION: "us-east-1", AWS_PROFILE: "" },
          stdio: ["ignore", "ignore", "pipe"],
        });
        let text = "";
        child.stderr.on("data", (chunk: Buffer) => (text += chunk.toString()));
        child.on("exit", (c) => resolve({ code: c, stderr: text }));
      });
      expect(code).toBe(1);
      const failed = readManifest(out).calls.filter((c) => c.operation === "GetFunctionUrlConfig" && c.status === "failed");
      expect(failed.length).toBeGreaterThan(1);
      expect(readManifest(out).reasons.filter((r) => r.startsWith("lambda:GetFunctionUrlConfig"))).toHaveLength(failed.length);
      const lines = stderr.split("\n").filter((l) => l.includes("GetFunctionUrlConfig"));
      expect(lines).toEqual([
        expect.stringMatching(/^leastrole: lambda:GetFunctionUrlConfig \S+ \[us-east-1\]: FAILED AccessDeniedException/),
        "leastrole: (further lambda:GetFunctionUrlConfig failures with AccessDeniedException are summed up at the end)",
        `leastrole: incomplete: lambda:GetFunctionUrlConfig failed for ${failed.length} of ${failed.length} calls in us-east-1: AccessDeniedException (first: injected denial for this region); add lambda:GetFunctionUrlConfig to the policy of the identity that collects (see collect --print-policy), then collect --resume`,
      ]);
    } finally {
      await proxy.close();
    }
  }, 60_000);
});
