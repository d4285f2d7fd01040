/**
 * The SDK's entry points called from JavaScript, which has no types to stop a wrong argument: each
 * mistake is an InputError saying what to give, never a report made of something else (the SDK
 * sweep of session 59).
 */
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { audit, auditDocument, auditDocumentAsync, buildDocument, diffInputs, generateForRole, generatePolicy, InputError, labelUsage, normalize, readSources, readUsage, renderTable, runGenerate, writeGenerate } from "../../src/index.js";

const demo = join(import.meta.dirname, "../../examples/demo-account");

describe("a path where the SDK takes an array of paths", () => {
  it("a string alone is refused (it was read one character at a time, and '/' walked the disk)", async () => {
    const call = (f: (p: never) => Promise<unknown>) => f(demo as never);
    for (const f of [audit, buildDocument, normalize] as Array<(p: never) => Promise<unknown>>) {
      await expect(call(f)).rejects.toThrow(InputError);
      await expect(call(f)).rejects.toThrow(`must be an array of paths, not a string (${JSON.stringify(demo)}): give [${JSON.stringify(demo)}]`);
    }
    await expect(diffInputs(demo as never, [demo])).rejects.toThrow("diff's before side must be an array of paths, not a string");
  });

  it("readUsage (docs/usage.md: `readUsage(paths, options)`) refuses one too: readUsage(\"./logs\") read \".\" and \"/\", the whole disk", async () => {
    // A string whose characters are no paths of their own ("q") failed only by chance ("usage
    // input not found: … stat 'q'"); one holding "." or "/" walked the current folder and the disk.
    const logs = join(demo, "cloudtrail");
    await expect(readUsage(logs as never)).rejects.toThrow(new InputError(`readUsage's paths must be an array of paths, not a string (${JSON.stringify(logs)}): give [${JSON.stringify(logs)}]`));
    await expect(readUsage(undefined as never)).rejects.toThrow("readUsage's paths must be an array of paths, not undefined");
    await expect(readUsage([logs, ""])).rejects.toThrow("readUsage's paths: item 1 is \"\", not a path");
    expect((await readUsage([logs], { workers: 1 })).sessions.length).toBeGreaterThan(0);
  });

  it("readSources (docs/canonical-document.md: `readSources(paths)`) refuses one too", async () => {
    await expect(readSources(demo as never)).rejects.toThrow(new InputError(`readSources' paths must be an array of paths, not a string (${JSON.stringify(demo)}): give [${JSON.stringify(demo)}]`));
    await expect(readSources(undefined as never)).rejects.toThrow("readSources' paths must be an array of paths, not undefined");
    expect((await readSources([demo])).fragments.length).toBeGreaterThan(0);
  });

  it("undefined, null and a list holding something else than paths are refused", async () => {
    await expect(audit(undefined as never)).rejects.toThrow("the paths must be an array of paths, not undefined");
    await expect(buildDocument(null as never)).rejects.toThrow("the paths must be an array of paths, not null");
    await expect(audit([demo, 3] as never)).rejects.toThrow("the paths: item 1 is 3, not a path");
    await expect(normalize(undefined as never)).rejects.toThrow(InputError);
  });
});

describe("auditDocument's asOf", () => {
  it("one that is no timestamp is refused, as audit() and --as-of refuse it (suppressions expired by the calendar instead)", async () => {
    const document = await buildDocument([demo], { asOf: "2026-11-28T00:00:00Z" });
    for (const asOf of ["yesterday", "2027-13-45"]) {
      expect(() => auditDocument(document, { asOf })).toThrow(new InputError(`asOf is not a timestamp: ${JSON.stringify(asOf)}`));
      await expect(auditDocumentAsync(document, { asOf })).rejects.toThrow(InputError);
    }
    expect(auditDocument(document, { asOf: "2026-11-28" }).summary.findings).toBe(auditDocument(document).summary.findings);
  });
});

describe("labelUsage's windowDays (docs/usage.md's example)", () => {
  it("a window --window-days refuses is refused: 0 or a negative one labelled every action unused, the used ones too", async () => {
    const { document } = await normalize([join(demo, "iam"), join(demo, "lambda")]);
    const aggregate = await readUsage([join(demo, "cloudtrail")], { workers: 1 });
    const labels = (windowDays: number) => labelUsage(aggregate, document, { windowDays }).labels.flatMap((l) => l.permissions.map((p) => p.label));
    expect(labels(30)).toContain("used");
    for (const windowDays of [0, -3, 2.5, 401]) {
      expect(() => labels(windowDays)).toThrow(new InputError(`labelUsage's windowDays must be a whole number of days from 1 to 400 (got ${windowDays})`));
    }
    expect(labels(400)).toContain("used");
  });
});

describe("a file named to the SDK that no reader knows", () => {
  it("makes the inputs partial, with the file named: audit(['findings.json']) was a clean report", async () => {
    const dir = mkdtempSync(join(tmpdir(), "lr-sdk-unrecognised-"));
    const file = join(dir, "findings.json");
    writeFileSync(file, "{}");
    const { report } = await audit([demo, file], { asOf: "2026-11-28T00:00:00Z" });
    expect(report.summary.partial).toBe(true);
    expect(report.summary.partialReasons.filter((r) => r.startsWith(`${file}: skipped: not an input leastrole reads`))).toHaveLength(1);
    // The same file met in a folder walk is a warning, and leaves the inputs whole.
    const walked = (await audit([dir], { asOf: "2026-11-28T00:00:00Z" })).report;
    expect(walked.warnings.map((w) => [w.code, w.severity, w.file])).toEqual([["unrecognized-input", "warning", file]]);
    expect(walked.summary.partial).toBe(false);
  });
});

describe("renderers and generate called from JavaScript", () => {
  it("renderTable without options is the plain table; runGenerate with a format of none of ours is refused", async () => {
    const { document, report } = await audit([demo], { asOf: "2026-11-28T00:00:00Z" });
    // It threw "Cannot read properties of undefined (reading 'color')".
    expect(renderTable(report, document)).toBe(renderTable(report, document, { color: false }));
    expect(() => runGenerate(document, { format: "xml" as never })).toThrow(new InputError('generate\'s format must be one of json, terraform, cloudformation, sam, markdown, not "xml"'));
    expect(() => writeGenerate(document, { format: "yaml" as never }, () => undefined)).toThrow(InputError);
  });

  it("runGenerate with a roleName but no function is refused: every generated role was given that one name", async () => {
    const document = await buildDocument([demo], { asOf: "2026-11-28T00:00:00Z" });
    const message = "generate's roleName names one role: give it with function (one function's policy), or leave it out and each generated role keeps the name of the role it replaces";
    // Before: four aws_iam_role resources (x, x_2, x_3, x_4), each with name = "x".
    expect(() => runGenerate(document, { format: "terraform", roleName: "x" })).toThrow(new InputError(message));
    expect(() => writeGenerate(document, { format: "json", roleName: "x" }, () => undefined)).toThrow(new InputError(message));
    const one = runGenerate(document, { format: "terraform", function: "billing-sync", roleName: "billing-sync-lp" });
    expect(one.output).toContain('name = "billing-sync-lp"');
  });

  it("a prefixThreshold --prefix-threshold refuses is refused: 1 gave 2's prefixes and 2.5 3's, without a word", async () => {
    const document = await buildDocument([demo], { asOf: "2026-11-28T00:00:00Z" });
    for (const prefixThreshold of [1, 0, -1, 2.5, Number.NaN]) {
      const message = `generate's prefixThreshold must be a whole number of at least 2, not ${JSON.stringify(prefixThreshold)}`;
      expect(() => generatePolicy(document, "billing-sync", { prefixThreshold })).toThrow(new InputError(message));
      expect(() => generateForRole(document, document.functions[0]!.roleArn, { prefixThreshold })).toThrow(new InputError(message));
      expect(() => runGenerate(document, { prefixThreshold })).toThrow(InputError);
    }
    expect(generatePolicy(document, "billing-sync", { prefixThreshold: 2 }).statements.length).toBeGreaterThan(0);
  });

  it("a windowDays labelUsage and --window-days refuse is refused by generate too: 0 and 2.5 were taken as given", async () => {
    const document = await buildDocument([demo], { asOf: "2026-11-28T00:00:00Z" });
    for (const windowDays of [0, -1, 2.5, 401, Number.NaN, "30" as never]) {
      const message = `generate's windowDays must be a whole number of days from 1 to 400 (got ${JSON.stringify(windowDays)})`;
      expect(() => generatePolicy(document, "billing-sync", { windowDays })).toThrow(new InputError(message));
      expect(() => generateForRole(document, document.functions[0]!.roleArn, { windowDays })).toThrow(new InputError(message));
      expect(() => runGenerate(document, { windowDays })).toThrow(new InputError(message));
    }
    expect(generatePolicy(document, "billing-sync", { windowDays: 1 }).statements.length).toBeGreaterThan(0);
    expect(generatePolicy(document, "billing-sync", { windowDays: 400 }).statements.length).toBeGreaterThan(0);
  });
});
