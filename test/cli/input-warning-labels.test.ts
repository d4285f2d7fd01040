/**
 * `leastrole: error:` on stderr only when the command exits 2 (README's exit codes). A problem of
 * the inputs that leaves them partial but lets the command go on (an input warning of severity
 * "error": an errored Terraform plan, a template CloudFormation refuses, a list cut short, a policy
 * document the reader refuses, a canonical document that says so of its own inputs) is a
 * `leastrole: warning:` line, exit 0, `partial: true`; the JSON and SARIF reports keep its severity
 * "error", which means "makes the inputs partial". Before, each was printed `leastrole: error: …`
 * while audit, generate and normalize exited 0. A file named on the command line that cannot be
 * read is still an error line and exit 2.
 */
import { spawnSync } from "node:child_process";
import { cpSync, existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { packageRoot } from "../../src/evaluate/locate.js";

const root = packageRoot();
const cli = join(root, "dist", "cli.js");
const DEMO = join(root, "examples", "demo-account");
/** `terraform show -json` of a plan whose data source postcondition fails (its README says how it was made). */
const ERRORED_PLAN = join(root, "test", "iac", "fixtures", "terraform", "errored.plan.json");

type Warning = { code: string; severity: string; file?: string; message: string };
type Report = { summary: { partial: boolean }; warnings: Warning[] };

function run(args: string[]) {
  const r = spawnSync(process.execPath, [cli, ...args], { encoding: "utf8", env: { ...process.env, NO_COLOR: "1" }, maxBuffer: 1 << 28 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** Lines of stderr that start `leastrole: <label>:`. */
const linesOf = (stderr: string, label: string) => stderr.split("\n").filter((l) => l.startsWith(`leastrole: ${label}: `));

/** A template CloudFormation refuses: a policy names a resource the template does not define. */
const UNDEFINED_REFERENCE = `AWSTemplateFormatVersion: "2010-09-09"
Resources:
  Fn:
    Type: AWS::Lambda::Function
    Properties:
      Runtime: python3.12
      Handler: index.handler
      Code: { ZipFile: "def handler(e, c): pass" }
      Role: !GetAtt FnRole.Arn
  FnRole:
    Type: AWS::IAM::Role
    Properties:
      AssumeRolePolicyDocument:
        Version: "2012-10-17"
        Statement: [{ Effect: Allow, Principal: { Service: lambda.amazonaws.com }, Action: sts:AssumeRole }]
      Policies:
        - PolicyName: send
          PolicyDocument:
            Version: "2012-10-17"
            Statement: [{ Effect: Allow, Action: sqs:SendMessage, Resource: !GetAtt MissingQueue.Arn }]
`;

let work: string;
/** name → [inputs, the file the warning names, its code] */
const cases: Record<string, { inputs: string[]; file: string; code: string }> = {};

beforeAll(() => {
  if (!existsSync(cli)) throw new Error("build first: npm run build");
  work = mkdtempSync(join(tmpdir(), "lr-cli-labels-"));
  // The demo account with its list-functions cut (a NextMarker on the last page, as --max-items leaves it).
  const cut = join(work, "cut");
  cpSync(DEMO, cut, { recursive: true });
  const listFile = join(cut, "lambda", "us-east-1", "list-functions.json");
  writeFileSync(listFile, JSON.stringify({ ...JSON.parse(readFileSync(listFile, "utf8")), NextMarker: "eyJNYXJrZXIiOiBudWxsfQ==" }, null, 4));
  // The demo account with an inline policy IAM would refuse (Effect "Maybe").
  const bad = join(work, "bad-policy");
  cpSync(DEMO, bad, { recursive: true });
  const gaadFile = join(bad, "iam", "get-account-authorization-details.json");
  const gaad = JSON.parse(readFileSync(gaadFile, "utf8")) as { RoleDetailList: Array<{ RolePolicyList?: Array<{ PolicyDocument: { Statement: Array<{ Effect: string }> } }> }> };
  gaad.RoleDetailList.find((r) => (r.RolePolicyList ?? []).length > 0)!.RolePolicyList![0]!.PolicyDocument.Statement[0]!.Effect = "Maybe";
  writeFileSync(gaadFile, JSON.stringify(gaad, null, 4));
  const template = join(work, "template.yaml");
  writeFileSync(template, UNDEFINED_REFERENCE);
  // `leastrole normalize` of the cut account: a canonical document that is partial, audited again.
  const canonical = join(work, "canonical.json");
  const n = run(["normalize", cut, "-o", canonical]);
  expect(n.code, n.stderr).toBe(0);
  cases["terraform-plan-errored"] = { inputs: [ERRORED_PLAN], file: ERRORED_PLAN, code: "terraform-plan-errored" };
  cases["cloudformation-undefined-reference"] = { inputs: [template], file: template, code: "cloudformation-undefined-reference" };
  cases["truncated-pagination"] = { inputs: [cut], file: listFile, code: "truncated-pagination" };
  cases["invalid-policy-document"] = { inputs: [bad], file: gaadFile, code: "invalid-policy-document" };
  cases["a re-audited partial canonical document"] = { inputs: [canonical], file: listFile, code: "truncated-pagination" };
});

describe("an input warning of severity error (the inputs partial, the command goes on)", () => {
  for (const name of ["terraform-plan-errored", "cloudformation-undefined-reference", "truncated-pagination", "invalid-policy-document", "a re-audited partial canonical document"]) {
    it(`${name}: audit prints it as a warning, exits 0, the JSON report partial with its severity "error"`, () => {
      const { inputs, file, code } = cases[name]!;
      const r = run(["audit", ...inputs, "--format", "json"]);
      expect(r.code, r.stderr).toBe(0);
      const report = JSON.parse(r.stdout) as Report;
      expect(report.summary.partial).toBe(true);
      const said = report.warnings.filter((w) => w.code === code && w.file === file);
      expect(said.length, JSON.stringify(report.warnings)).toBeGreaterThan(0);
      // The report keeps what the severity means: this warning makes the inputs partial.
      expect(said.map((w) => w.severity)).toContain("error");
      expect(linesOf(r.stderr, "error"), r.stderr).toEqual([]);
      const lines = linesOf(r.stderr, "warning").filter((l) => l.startsWith(`leastrole: warning: ${file}: `));
      expect(lines.length, r.stderr).toBeGreaterThan(0);
      expect(lines.some((l) => said.some((w) => l.endsWith(w.message))), r.stderr).toBe(true);
    });
  }

  it("generate and normalize say it as audit does: a warning, exit 0", () => {
    for (const name of ["terraform-plan-errored", "truncated-pagination"]) {
      const { inputs, file } = cases[name]!;
      for (const command of ["generate", "normalize"]) {
        const r = run([command, ...inputs, "-o", join(work, `${command}-${name}.json`)]);
        expect(r.code, `${command} ${name}: ${r.stderr}`).toBe(0);
        expect(linesOf(r.stderr, "error"), `${command} ${name}`).toEqual([]);
        expect(linesOf(r.stderr, "warning").some((l) => l.startsWith(`leastrole: warning: ${file}: `)), `${command} ${name}: ${r.stderr}`).toBe(true);
      }
      if (name === "truncated-pagination") {
        const document = JSON.parse(readFileSync(join(work, `normalize-${name}.json`), "utf8")) as { meta: { partial: boolean; warnings: Warning[] } };
        expect(document.meta.partial).toBe(true);
        expect(document.meta.warnings.filter((w) => w.code === "truncated-pagination").map((w) => w.severity)).toEqual(["error"]);
      }
    }
  });

  it("SARIF keeps it at level error among the tool's notifications", () => {
    const r = run(["audit", ERRORED_PLAN, "--format", "sarif"]);
    expect(r.code, r.stderr).toBe(0);
    const sarif = JSON.parse(r.stdout) as { runs: Array<{ invocations: Array<{ toolExecutionNotifications?: Array<{ level: string; descriptor: { id: string } }> }> }> };
    const notes = sarif.runs[0]!.invocations[0]!.toolExecutionNotifications ?? [];
    expect(notes.filter((n) => n.descriptor.id === "terraform-plan-errored").map((n) => n.level)).toEqual(["error"]);
  });
});

describe("what makes the command exit 2 is still an error line", () => {
  it("a file named on the command line that is not JSON, beside an input with a warning of severity error", () => {
    const notJson = join(work, "notes.json");
    writeFileSync(notJson, "these are not the exports\n");
    const r = run(["audit", ERRORED_PLAN, notJson, "--format", "json"]);
    expect(r.code, r.stderr).toBe(2);
    expect(linesOf(r.stderr, "error"), r.stderr).toEqual([expect.stringMatching(new RegExp(`^leastrole: error: ${notJson.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}: not a JSON file .*\\(exit code 2\\)$`))]);
    // The plan's own problem does not decide the exit code: a warning still.
    expect(linesOf(r.stderr, "warning").some((l) => l.startsWith(`leastrole: warning: ${ERRORED_PLAN}: `)), r.stderr).toBe(true);
    expect((JSON.parse(r.stdout) as Report).summary.partial).toBe(true);
  });
});

describe("a reader's defect is a bug: an error line and exit code 3, the output written all the same", () => {
  // A reader's exception caught so the other records are read (record-reader.ts report,
  // read-sources.ts): no input should give one, so the case is a canonical document whose reader
  // had one (`leastrole normalize` output, which keeps its warnings and ends as its inputs did).
  // Before: a `leastrole: warning:` line, hidden by --quiet, and exit 0.
  let withDefect: string;
  let file: string;
  beforeAll(() => {
    const canonical = join(work, "demo-canonical.json");
    const n = run(["normalize", DEMO, "-o", canonical]);
    expect(n.code, n.stderr).toBe(0);
    const document = JSON.parse(readFileSync(canonical, "utf8")) as { meta: { partial: boolean; warnings: Warning[] } };
    file = join(DEMO, "lambda", "us-east-1", "list-functions.json");
    document.meta.warnings.push({ code: "reader-defect", severity: "error", file, message: "internal error while reading: Cannot read properties of undefined (reading 'Arn')" });
    document.meta.partial = true;
    withDefect = join(work, "demo-with-defect.json");
    writeFileSync(withDefect, JSON.stringify(document));
  });

  it("audit: exit 3 even with --quiet, one error line naming the file and saying it is a bug; the JSON report written, partial", () => {
    const r = run(["audit", withDefect, "--format", "json", "--quiet"]);
    expect(r.code, r.stderr).toBe(3);
    expect(linesOf(r.stderr, "error"), r.stderr).toEqual([
      `leastrole: error: ${file}: internal error while reading: Cannot read properties of undefined (reading 'Arn'); this is a bug in leastrole: the other records were read and the output is written from them (partial); please report it, with its stack trace (rerun with LEASTROLE_DEBUG=1) (exit code 3)`,
    ]);
    expect(linesOf(r.stderr, "warning").filter((l) => l.includes("internal error")), r.stderr).toEqual([]);
    const report = JSON.parse(r.stdout) as Report;
    expect(report.summary.partial).toBe(true);
    expect(report.warnings.filter((w) => w.code === "reader-defect").map((w) => w.severity)).toEqual(["error"]);
  });

  it("above --fail-on's 1, and generate and normalize end the same way", () => {
    expect(run(["audit", withDefect, "--format", "json", "--fail-on", "info", "-o", join(work, "defect-audit.json")]).code).toBe(3);
    for (const command of ["generate", "normalize"]) {
      const out = join(work, `defect-${command}.json`);
      const r = run([command, withDefect, "-o", out]);
      expect(r.code, `${command}: ${r.stderr}`).toBe(3);
      expect(linesOf(r.stderr, "error").filter((l) => l.endsWith("(exit code 3)")), `${command}: ${r.stderr}`).toHaveLength(1);
      expect(existsSync(out)).toBe(true);
    }
  });
});
