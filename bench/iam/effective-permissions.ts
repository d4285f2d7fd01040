/**
 * Effective permissions of N roles (issue 3 target: 10,000 roles in under 5 s).
 *
 *   npx tsx bench/iam/effective-permissions.ts [roles=10000]
 *
 * Phases, each timed: loading the action catalog, loading the AWS managed policy data, building
 * the workload (parsing every policy), computing RoleFacts for every role. Peak memory is the
 * process's max RSS. The comparison with @cloud-copilot/iam-simulate is in
 * bench/iam/iam-simulate-comparison.ts (it has no effective-permissions API).
 */
import { computePrincipalFacts, loadActionCatalog, managedPolicyDataInfo } from "../../src/iam/index.js";
import { buildWorkload } from "./workload.js";

const count = Number(process.argv[2] ?? 10_000);
const ms = (t0: number) => `${(performance.now() - t0).toFixed(0)} ms`;

let t = performance.now();
const catalog = await loadActionCatalog();
console.log(`catalog load: ${ms(t)} (${catalog.size} actions, iam-data ${catalog.iamDataVersion()})`);

t = performance.now();
const info = managedPolicyDataInfo();
console.log(`managed policy data load: ${ms(t)} (${info.count} policies, dataset ${info.datasetDate})`);

t = performance.now();
const roles = buildWorkload(count);
console.log(`workload build (parse all policies): ${ms(t)} for ${roles.length} roles`);

t = performance.now();
const cpu0 = process.cpuUsage();
let actions = 0;
const all = [];
for (const role of roles) {
  const facts = computePrincipalFacts(role.principal, catalog);
  actions += facts.allowedActionCount;
  all.push(facts);
}
const factsMs = performance.now() - t;
const cpu = process.cpuUsage(cpu0);
const factsCpuMs = (cpu.user + cpu.system) / 1000;
// Size of the facts as they would sit in the canonical document (measured outside the timing).
let bytes = 0;
for (const f of all) bytes += JSON.stringify(f).length;
console.log(`computePrincipalFacts × ${roles.length}: ${factsMs.toFixed(0)} ms wall, ${factsCpuMs.toFixed(0)} ms CPU (${((factsMs * 1000) / roles.length).toFixed(0)} µs/role wall); ${actions} allowed actions in total; facts JSON ${(bytes / 1e6).toFixed(1)} MB (${(bytes / roles.length / 1000).toFixed(1)} kB/role)`);
const ru = process.resourceUsage();
const { loadavg } = await import("node:os");
console.log(`load average during the run: ${loadavg().map((x) => x.toFixed(1)).join(", ")} (2 cores shared with other engineers)`);
console.log(`peak RSS: ${(ru.maxRSS / 1024).toFixed(0)} MiB; heap used now: ${(process.memoryUsage().heapUsed / 2 ** 20).toFixed(0)} MiB`);
