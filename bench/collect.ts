/**
 * Collection throughput against moto's server mode: N functions (each with 4 per-function calls),
 * collected with concurrency 1 (the sequential reference, measured in the same run) and 4.
 * moto answers in ~ms, AWS in ~50-150 ms per call, so this measures collect's own overhead and
 * how well concurrency hides latency, not AWS speed.
 *
 *   npx tsx bench/collect.ts [functions=100]
 */

import { mkdtempSync, rmSync } from "node:fs";
import { cpus, tmpdir } from "node:os";
import { join } from "node:path";
import { CreateRoleCommand, IAMClient } from "@aws-sdk/client-iam";
import { CreateFunctionCommand, LambdaClient } from "@aws-sdk/client-lambda";
import { collect } from "../src/collect/index.js";
import { startMoto, TEST_CREDENTIALS } from "../test/collect/support/moto.js";
import { zipOf } from "../test/collect/support/zip.js";

const n = Number(process.argv[2] ?? 100);
const moto = startMoto();
try {
  const common = { endpoint: moto.endpoint, credentials: TEST_CREDENTIALS, region: "us-east-1" };
  const iam = new IAMClient(common);
  const lambda = new LambdaClient(common);
  const trust = JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Principal: { Service: "lambda.amazonaws.com" }, Action: "sts:AssumeRole" }] });
  const role = await iam.send(new CreateRoleCommand({ RoleName: "bench-role", AssumeRolePolicyDocument: trust }));
  const code = zipOf({ "index.py": "def handler(e, c):\n    return 1\n" });
  for (let i = 0; i < n; i++) {
    await lambda.send(
      new CreateFunctionCommand({
        FunctionName: `bench-${String(i).padStart(4, "0")}`,
        Runtime: "python3.12",
        Handler: "index.handler",
        Role: role.Role?.Arn,
        Code: { ZipFile: code },
        Environment: { Variables: { SECRET: `value-${i}` } },
      }),
    );
  }
  iam.destroy();
  lambda.destroy();
  const rows: string[] = [];
  for (const concurrency of [1, 4]) {
    const out = join(mkdtempSync(join(tmpdir(), "leastrole-bench-collect-")), "out");
    const cpu0 = process.cpuUsage();
    const t0 = performance.now();
    const { manifest } = await collect({ out, endpoint: moto.endpoint, credentials: TEST_CREDENTIALS, regions: ["us-east-1"], concurrency });
    const ms = performance.now() - t0;
    const cpu = process.cpuUsage(cpu0);
    const cpuMs = (cpu.user + cpu.system) / 1000;
    rows.push(
      `| ${n} | ${concurrency} | ${manifest.calls.length} | ${(ms / 1000).toFixed(2)} s | ${((manifest.calls.length * 1000) / ms).toFixed(0)} calls/s | ${(cpuMs / 1000).toFixed(2)} s (${(cpuMs / manifest.calls.length).toFixed(1)} ms/call) | ${manifest.partial ? "partial!" : "complete"} |`,
    );
    rmSync(join(out, ".."), { recursive: true, force: true });
  }
  console.log(`node ${process.version}, ${cpus().length} × ${cpus()[0]?.model ?? "cpu"}, moto 5.2.5 on 127.0.0.1`);
  console.log("| functions | concurrency | calls | wall time | throughput | collect's own CPU (Node process) | manifest |");
  console.log("| --- | --- | --- | --- | --- | --- | --- |");
  for (const r of rows) console.log(r);
} finally {
  moto.stop();
}
