/**
 * The reasons a report gives for a partial audit (report/view.ts partialDataReasons): exactly what
 * made it partial, each naming its file, and nothing else. Before, the list was every warning of
 * the document that was not a note: the CloudMapper demo account's `account ID "aws"` warnings
 * stood beside the one real reason (its function's execution role missing from the IAM export),
 * and a document a reader had flagged partial without a warning listed no reason at all.
 */
import { spawnSync } from "node:child_process";
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { auditDocument } from "../../src/audit/audit-document.js";
import { buildDocument } from "../../src/audit/build-document.js";
import { makesPartial } from "../../src/model/warning-label.js";
import type { Warning, WarningSeverity } from "../../src/model/document.js";
import { renderHtml, renderMarkdown, renderTable } from "../../src/report/index.js";
import { partialDataReasons } from "../../src/report/view.js";
import { readSourceBytes } from "../../src/sources/read-sources.js";
import type { SourceFragment } from "../../src/sources/types.js";
import { normalize, normalizeFragments } from "../normalize/checked.js";
import { buildExport, roleArn, type ExportSpec } from "../normalize/export-builder.js";

const FIXTURE = new URL("../fixtures/cloudmapper-partial", import.meta.url).pathname;
const IAM = join(FIXTURE, "iam-get-account-authorization-details.json");
const FUNCTIONS = join(FIXTURE, "lambda-list-functions.json");
const CLI = new URL("../../dist/cli.js", import.meta.url).pathname;

function read(file: string, text: string = readFileSync(file, "utf8")): SourceFragment {
  const { fragment, warnings } = readSourceBytes(file, text);
  expect(fragment).not.toBeNull();
  fragment!.warnings.push(...warnings);
  return fragment!;
}

describe("the CloudMapper demo account (its IAM export and function list)", () => {
  it("gives the missing execution role as the one reason, not the account-ID warnings that made nothing partial", async () => {
    const doc = (await normalize([IAM, FUNCTIONS])).document;
    expect(doc.meta.partial).toBe(true);
    // The warnings that must not be given as reasons are there (the test would prove nothing otherwise).
    const notes = doc.meta.warnings.filter((w) => w.code === "invalid-account-id");
    expect(notes.length).toBe(3);
    const missing = doc.meta.warnings.filter((w) => w.code === "role-not-in-inputs");
    expect(missing.map((w) => w.file)).toEqual([FUNCTIONS]);

    const reasons = partialDataReasons(doc);
    expect(reasons).toEqual([`${FUNCTIONS}: ${missing[0]!.message}`]);
    expect(reasons[0]).toContain("role/service-role/invpclambda");

    const report = auditDocument(doc);
    expect(report.summary.partial).toBe(true);
    expect(report.summary.partialReasons).toEqual(reasons);
    // The JSON report keeps every warning apart from the reasons.
    expect(report.warnings.filter((w) => w.code === "invalid-account-id").length).toBe(3);

    const table = renderTable(report, doc, { color: false, width: 400 });
    expect(table).toContain(`  - ${reasons[0]}`);
    expect(table).not.toContain('account ID "aws"');
    const md = renderMarkdown(report, doc);
    expect(md).toContain("> **Partial data.**");
    expect(md).not.toContain("account ID \\\"aws\\\"");
    const html = renderHtml(report, doc);
    const notice = /<div class="notice partial" id="partial-notice">(.*?)<\/div>/s.exec(html)?.[1] ?? "";
    expect(notice).toContain("role/service-role/invpclambda");
    expect(notice).not.toContain("account ID");
    // The HTML Inputs section still lists them, as warnings that leave the audit whole.
    expect(html).toContain("account ID &quot;aws&quot;");
  });

  it("the IAM export alone: warnings, not partial, no reasons and no banner", async () => {
    const doc = (await normalize([IAM])).document;
    expect(doc.meta.warnings.filter((w) => w.severity !== "info").length).toBeGreaterThan(0);
    expect(doc.meta.partial).toBe(false);
    expect(partialDataReasons(doc)).toEqual([]);
    const report = auditDocument(doc);
    expect(report.summary.partial).toBe(false);
    expect(report.summary.partialReasons).toEqual([]);
    expect(renderTable(report, doc, { color: false })).not.toContain("Partial data");
    expect(renderMarkdown(report, doc)).not.toContain("Partial data");
    expect(renderHtml(report, doc)).not.toContain("partial-notice");
  });

  it.skipIf(!existsSync(CLI))("leastrole audit --format table and json (the built CLI)", () => {
    const run = (format: string) => spawnSync(process.execPath, [CLI, "audit", IAM, FUNCTIONS, "--format", format, "--quiet"], { encoding: "utf8", env: { ...process.env, NO_COLOR: "1", COLUMNS: "400" } });
    const json = JSON.parse(run("json").stdout) as { summary: { partial: boolean; partialReasons: string[] }; warnings: Warning[] };
    expect(json.summary.partial).toBe(true);
    expect(json.summary.partialReasons.length).toBe(1);
    expect(json.summary.partialReasons[0]).toMatch(/lambda-list-functions\.json: execution role arn:aws:iam::123456789012:role\/service-role\/invpclambda of .* is not in the IAM inputs/);
    expect(json.warnings.some((w) => w.code === "invalid-account-id")).toBe(true);
    const table = run("table").stdout;
    expect(table).toContain("Partial data");
    expect(table).not.toContain("account ID");
  });
});

describe("a reader's partial flag without a warning", () => {
  const spec: ExportSpec = {
    account: "123456789012",
    roles: [{ name: "worker", path: "/", trustsLambda: true, actions: ["sqs:SendMessage"], managed: [] }],
    functions: [{ name: "f", region: "eu-west-1", role: 0, env: [], sqs: false, url: null, version: null }],
  };

  it("names the file read only in part", () => {
    const fragments = buildExport(spec).map((f) => read(f.file, f.text));
    const lambda = fragments.find((f) => f.source.path.startsWith("lambda/"))!;
    lambda.partial = true;
    const doc = normalizeFragments(fragments).document;
    expect(doc.meta.partial).toBe(true);
    expect(doc.meta.warnings.some(makesPartial)).toBe(false);
    expect(partialDataReasons(doc)).toEqual([`${lambda.source.path}: read only in part`]);
  });

  it("with the principals whose policies it read only in part", () => {
    const fragments = buildExport(spec).map((f) => read(f.file, f.text));
    const iam = fragments.find((f) => f.source.path.startsWith("iam/"))!;
    iam.partial = true;
    iam.incompletePrincipals = [roleArn(spec, 0)];
    const doc = normalizeFragments(fragments).document;
    expect(partialDataReasons(doc)).toEqual([`${iam.source.path}: read only in part: what worker is granted is not all known`]);
  });
});

describe("a CloudTrail file met in a folder that cannot be read (a symbolic link to itself)", () => {
  it("is one reason, the file's, not its warning and the usage coverage's same words again", async () => {
    const dir = mkdtempSync(join(tmpdir(), "lr-partial-loop-"));
    try {
      cpSync(FIXTURE, join(dir, "account"), { recursive: true });
      const day = join(dir, "AWSLogs/123456789012/CloudTrail/us-east-1/2019/04/30");
      mkdirSync(day, { recursive: true });
      const loop = join(day, "123456789012_CloudTrail_us-east-1_20190430T0000Z_loop.json.gz");
      symlinkSync(loop, loop);
      const doc = await buildDocument([dir], { workers: 1 });
      expect(doc.meta.partial).toBe(true);
      expect(doc.usage.coverage.partial).toBe(true);
      const reasons = partialDataReasons(doc);
      expect(reasons.filter((r) => r.includes(loop)).length).toBe(1);
      expect(reasons.some((r) => r.startsWith(`${loop}: `))).toBe(true);
      // The function's missing role is the other reason; the account-ID warnings are none.
      expect(reasons.length).toBe(2);
      expect(reasons.some((r) => r.includes("account ID"))).toBe(false);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

// cloudgoat's lambda_privesc plan (the corpus's terraform-plans, see its SOURCE.md): its reader flags
// it partial for a role whose trust policy is known only after apply, in a warning of its own code
// (terraform-unknown-policy, which alone makes nothing partial: an unattached policy's would not).
const CLOUDGOAT = "/work/shared/corpus/terraform-plans/cloudgoat-lambda_privesc.plan.json";

describe.skipIf(!existsSync(CLOUDGOAT))("a plan its reader flagged partial (cloudgoat lambda_privesc)", () => {
  it("gives the warning about the role read in part, not a bare flag", async () => {
    const doc = (await normalize([CLOUDGOAT])).document;
    expect(doc.meta.partial).toBe(true);
    expect(doc.meta.sources.filter((s) => s.partial).map((s) => s.path)).toEqual([CLOUDGOAT]);
    expect(doc.meta.warnings.some(makesPartial)).toBe(false);
    const about = doc.meta.warnings.filter((w) => w.code === "terraform-unknown-policy");
    expect(about.length).toBe(1);
    expect(partialDataReasons(doc)).toEqual([`${CLOUDGOAT}: ${about[0]!.path}: ${about[0]!.message}`]);
  });
});

describe("the reasons are what made the document partial (property)", () => {
  // Warnings a reader may add: some make the inputs partial (makesPartial), some do not.
  const CODES: Array<[string, WarningSeverity]> = [
    ["unreadable-file", "warning"],
    ["invalid-record", "error"],
    ["collection-partial", "warning"],
    ["terraform-plan-incomplete", "warning"],
    ["cloudformation-nested-stack", "warning"],
    ["invalid-account-id", "warning"],
    ["sam-policies-ignored", "warning"],
    ["terraform-plan-incomplete", "info"],
    ["skipped-non-json", "info"],
    ["trail-gap", "warning"],
  ];
  const arbitrary = fc.record({
    roles: fc.integer({ min: 1, max: 3 }),
    functions: fc.array(fc.integer({ min: 0, max: 2 }), { minLength: 0, maxLength: 3 }),
    dropRoles: fc.subarray([0, 1, 2]),
    dropPolicies: fc.boolean(),
    readerPartial: fc.subarray([0, 1]),
    extra: fc.array(fc.record({ fragment: fc.integer({ min: 0, max: 1 }), code: fc.constantFrom(...CODES) }), { maxLength: 4 }),
  });

  it("partial exactly when there is a reason; each reason one cause, each cause given", () => {
    fc.assert(
      fc.property(arbitrary, (g) => {
        const spec: ExportSpec = {
          account: "123456789012",
          roles: Array.from({ length: g.roles }, (_, i) => ({ name: `r${i}`, path: "/", trustsLambda: true, actions: [], managed: [`m${i}`] })),
          functions: g.functions.map((role, i) => ({ name: `f${i}`, region: "eu-west-1", role: role % g.roles, env: [], sqs: false, url: null, version: null })),
        };
        const fragments = buildExport(spec).map((f) => read(f.file, f.text));
        const dropped = new Set(g.dropRoles.filter((i) => i < g.roles).map((i) => roleArn(spec, i)));
        const iam = fragments[0]!;
        iam.roles = iam.roles.filter((r) => !dropped.has(r.arn));
        if (g.dropPolicies) iam.policies = [];
        const readerPartial = g.readerPartial.filter((i) => i < fragments.length).map((i) => fragments[i]!);
        for (const f of readerPartial) f.partial = true;
        const extra: Warning[] = [];
        g.extra.forEach((e, i) => {
          const f = fragments[e.fragment % fragments.length]!;
          const w: Warning = { code: e.code[0], severity: e.code[1], file: f.source.path, message: `extra warning ${i}` };
          f.warnings.push(w);
          extra.push(w);
        });

        const doc = normalizeFragments(fragments).document;
        const reasons = partialDataReasons(doc);
        const partial = doc.meta.partial || doc.usage.coverage.partial;
        expect(reasons.length > 0).toBe(partial);

        // The causes, from what was done to the inputs, each with the reasons that give it.
        const causes: Array<{ what: string; given: (r: string) => boolean }> = [];
        const kept = new Set(iam.roles.map((r) => r.arn));
        for (const fn of spec.functions) {
          const arn = roleArn(spec, fn.role);
          if (!kept.has(arn)) causes.push({ what: `role ${arn} missing`, given: (r) => r.startsWith(`lambda/${fn.region}/functions.json: `) && r.includes(arn) && r.includes("not in the IAM inputs") });
        }
        if (g.dropPolicies)
          for (const r of iam.roles) for (const m of r.attachedPolicies) causes.push({ what: `policy ${m.arn} unresolved`, given: (x) => x.startsWith(`${iam.source.path}: managed policy ${m.arn} is not in the inputs`) });
        for (const w of extra) if (makesPartial(w)) causes.push({ what: `${w.code} ${w.message}`, given: (r) => r === `${w.file}: ${w.message}` });
        for (const f of readerPartial) causes.push({ what: `${f.source.path} flagged partial`, given: (r) => r.startsWith(`${f.source.path}: `) });

        expect(partial).toBe(causes.length > 0);
        for (const c of causes) expect(reasons.some(c.given), c.what).toBe(true);
        for (const r of reasons) expect(causes.some((c) => c.given(r)), r).toBe(true);
        // A warning that made nothing partial is never a reason.
        for (const w of extra) if (!makesPartial(w)) expect(reasons.some((r) => r.includes(w.message))).toBe(false);
      }),
      { numRuns: 60 },
    );
  });
});
