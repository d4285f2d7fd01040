/**
 * One stage of a 10,000-function audit, alone in its process, for CPU profiles and CPU-second
 * figures (issue #11 item 4). Bundle it first so that a profile names real lines:
 *
 *   sh bench/profile/bundle.sh
 *   node --cpu-prof --cpu-prof-dir=/tmp/prof bench/out/profile/stages.mjs normalize bench/out/normalize-export-10000
 *   node bench/out/profile/stages.mjs analyze 10000
 *   node bench/out/profile/stages.mjs evaluate 10000
 *   node bench/profile/top.mjs /tmp/prof/CPU.*.cpuprofile 10
 *
 * Prints one JSON line: the stage's wall and CPU milliseconds (process.cpuUsage: all threads, GC
 * included; counted from after the inputs are built to the stage's result), peak RSS, counts and a
 * digest of the output (computed after the clock stops) to check that a fix changed no byte.
 * The normalise export comes from bench/normalize/run.ts (or generateExport); the analysis document
 * is bench/analysis/analyze.ts build(n), analysed for the evaluate stage before the clock starts.
 */
import { createHash } from "node:crypto";
import { join } from "node:path";
import { analyzeDocument } from "../../src/analysis/index.js";
import { evaluateDocument, loadBuiltinPack } from "../../src/evaluate/index.js";
import { packageRoot } from "../../src/evaluate/locate.js";
import { loadActionCatalogSync } from "../../src/iam/index.js";
import { normalize } from "../../src/audit/normalize-paths.js";
import { build } from "../analysis/analyze.js";

// The bundle lives in bench/out/profile/, where the managed policy data is not next to it.
process.env.LEASTROLE_MANAGED_POLICIES ??= join(packageRoot(), "src", "iam", "data", "aws-managed-policies.json.gz");
const [stage, arg] = process.argv.slice(2) as [string, string];
let counts: object = {};
let t = performance.now();
let cpu = process.cpuUsage();
let wallMs = 0;
let cpuMs = 0;
const start = () => {
  t = performance.now();
  cpu = process.cpuUsage();
};
const stop = () => {
  wallMs = Math.round(performance.now() - t);
  const used = process.cpuUsage(cpu);
  cpuMs = Math.round((used.user + used.system) / 1000);
};
// A digest of the stage's output (outside the clock): an optimisation must leave it unchanged.
const digest = (value: unknown) => createHash("sha256").update(JSON.stringify(value)).digest("hex").slice(0, 16);
if (stage === "normalize") {
  start();
  const { document } = await normalize([arg]);
  stop();
  counts = { functions: document.functions.length, roles: document.roles.length, sha256: digest(document) };
} else if (stage === "analyze") {
  const catalog = loadActionCatalogSync();
  const doc = build(Number(arg));
  start();
  const analyzed = analyzeDocument(doc, catalog);
  stop();
  counts = { functions: analyzed.functions.length, roles: analyzed.roles.length, sha256: digest(analyzed) };
} else if (stage === "evaluate") {
  const analyzed = analyzeDocument(build(Number(arg)), loadActionCatalogSync());
  const pack = loadBuiltinPack();
  start();
  const result = evaluateDocument(analyzed, [pack]);
  stop();
  counts = { findings: result.findings.length, sha256: digest(result.findings) };
} else throw new Error(`unknown stage ${stage} (normalize <dir> | analyze <n> | evaluate <n>)`);
console.log(JSON.stringify({ stage, wallMs, cpuMs, maxRssMiB: Math.round(process.resourceUsage().maxRSS / 1024), ...counts }));
