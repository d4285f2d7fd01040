// Embedding leastrole: build the canonical document once, evaluate it with the built-in rules and
// an organisation's own Rego rule, apply a suppression, and use the findings in your own code.
//
//   node examples/embed-custom-rule/embed.mjs [inputs…]     (default: examples/demo-account)
//
// The folder of .rego needs the opa CLI (1.x) on PATH, once: `leastrole build-rules` compiles it to
// a .wasm + catalog that then runs with Node alone (pass that .wasm to loadRulePack instead).
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { buildDocument, evaluateDocument, loadBuiltinPack, loadRulePack } from "leastrole";

const here = dirname(fileURLToPath(import.meta.url));
const inputs = process.argv.slice(2).length > 0 ? process.argv.slice(2) : [join(here, "..", "demo-account")];

const document = await buildDocument(inputs);
const packs = [loadBuiltinPack(), loadRulePack(join(here, "rules"))];
const result = evaluateDocument(document, packs, {
  suppressions: [{ rule: "ACME001", resource: "image-resizer", reason: "owned by the media team, tag pending", expires: "2027-01-31" }],
});

// A pack that fails while it runs (a rule that aborts, a conflict between complete rules) does not
// throw: its findings are missing and the diagnostics say why. Without this check a broken org rule
// reads as "no findings of ours".
const failed = result.packs.filter((p) => p.failed);
if (failed.length > 0) {
  for (const d of result.diagnostics.filter((d) => d.severity === "error")) console.error(`${d.pack ?? ""}: ${d.code}: ${d.message}`);
  console.error(`rule packs failed: ${failed.map((p) => p.origin).join(", ")}`);
  process.exit(2);
}

for (const f of result.findings.filter((f) => f.ruleId === "ACME001")) {
  console.log(`${f.ruleId} ${f.resource.name}: ${f.message}${f.suppressed ? ` (suppressed: ${f.suppressed.reason})` : ""}`);
}
const bySeverity = {};
for (const f of result.findings) if (!f.suppressed) bySeverity[f.severity] = (bySeverity[f.severity] ?? 0) + 1;
console.log(JSON.stringify({ findings: result.findings.length, bySeverity, diagnostics: result.diagnostics.length }));
