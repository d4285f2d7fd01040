import { Option, type Command } from "commander";
import { auditDocument } from "../../audit.js";
import { InputError } from "../../errors.js";
import { SEVERITIES, type Severity } from "../../model/findings.js";
import { severityRank } from "../../evaluate/findings.js";
import { toJsonReport } from "../../report/json.js";
import { readCanonicalDocument, writeOutput } from "../io.js";

interface AuditFlags {
  format: "json";
  output?: string;
  failOn?: Severity;
  rules?: string[];
}

export function registerAudit(program: Command): void {
  program
    .command("audit <paths...>")
    .description("audit Lambda execution roles and print the findings")
    .addOption(new Option("--format <format>", "output format").choices(["json"]).default("json"))
    .option("-o, --output <file>", "write the report to a file instead of stdout")
    .addOption(new Option("--fail-on <severity>", "exit 1 when a finding at or above this severity is not suppressed").choices([...SEVERITIES]))
    .option("--rules <pack...>", "also run these rule packs (.wasm, OPA bundle .tar.gz, or a folder of .rego)")
    .action((paths: string[], flags: AuditFlags) => {
      if (paths.length !== 1) throw new InputError("audit takes one canonical document for now (leastrole normalize writes it)");
      const document = readCanonicalDocument(paths[0]!);
      const report = auditDocument(document, { rules: flags.rules ?? [] });
      writeOutput(toJsonReport(report), flags.output);
      for (const d of report.diagnostics) if (d.severity !== "info") process.stderr.write(`leastrole: ${d.severity}: ${d.message}\n`);
      if (flags.failOn) {
        const threshold = severityRank(flags.failOn);
        if (report.findings.some((f) => !f.suppressed && severityRank(f.severity) <= threshold)) process.exitCode = 1;
      }
    });
}
