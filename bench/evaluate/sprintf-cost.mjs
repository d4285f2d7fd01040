// What a rule message costs by sprintf (an opa-wasm host call: its arguments dumped to JSON,
// parsed in JavaScript, the result encoded back) against concat (native in the wasm), on the
// same 20,000 inputs, alternating, in one process. Usage: node bench/evaluate/sprintf-cost.mjs
// Session 28 measured this to decide whether the rules' 80 sprintf calls were worth rewriting.
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { findOpa } from "../../scripts/opa.mjs";

const require = createRequire(import.meta.url);
const opaWasm = require("@open-policy-agent/opa-wasm");

const dir = mkdtempSync(join(tmpdir(), "lr-sprintf-"));
try {
  writeFileSync(
    join(dir, "p.rego"),
    `package mb

a := [m | some x in input.xs; m := sprintf("Role %s trusts Lambda but %s; it grants %d", [x.name, x.what, x.n])]

b := [m | some x in input.xs; m := concat("", ["Role ", x.name, " trusts Lambda but ", x.what, "; it grants ", format_int(x.n, 10)])]
`,
  );
  execFileSync(findOpa(), ["build", "-t", "wasm", "-e", "mb/a", "-e", "mb/b", join(dir, "p.rego"), "-o", join(dir, "b.tar.gz")]);
  execFileSync("tar", ["xzf", join(dir, "b.tar.gz"), "-C", dir, "/policy.wasm"]);
  const policy = opaWasm.loadPolicySync(readFileSync(join(dir, "policy.wasm")));
  const xs = Array.from({ length: 20000 }, (_, i) => ({ name: `role-${i}`, what: "no function in any region of the account uses it", n: i }));
  const cpu = { "mb/a": [], "mb/b": [] };
  for (let round = 0; round < 4; round++) {
    for (const ep of ["mb/a", "mb/b"]) {
      const c0 = process.cpuUsage();
      const r = policy.evaluate({ xs }, ep);
      const used = process.cpuUsage(c0);
      if (r[0].result.length !== xs.length) throw new Error("unexpected result");
      if (round > 0) cpu[ep].push((used.user + used.system) / 1000); // round 0 warms up
    }
  }
  const median = (v) => [...v].sort((x, y) => x - y)[Math.floor(v.length / 2)];
  const a = median(cpu["mb/a"]);
  const b = median(cpu["mb/b"]);
  console.log(`sprintf: ${a.toFixed(0)} CPU-ms, concat: ${b.toFixed(0)} CPU-ms for ${xs.length} messages (median of 3); sprintf costs ${(((a - b) * 1000) / xs.length).toFixed(1)} µs more per call`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
