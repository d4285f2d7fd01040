/**
 * writeGenerate (the CLI's streamed generate) writes runGenerate's output byte for byte, in every
 * format, with and without --split and --diff, and returns the same warnings per target.
 */
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { buildDocument } from "../../src/audit/build-document.js";
import { runGenerate, writeGenerate, type GenerateRunOptions } from "../../src/generate/index.js";
import { loadActionCatalogSync } from "../../src/iam/index.js";
import type { CanonicalDocument } from "../../src/model/document.js";

const catalog = loadActionCatalogSync();
const FORMATS = ["json", "terraform", "cloudformation", "sam", "markdown"] as const;
let demo: CanonicalDocument;

beforeAll(async () => {
  demo = await buildDocument([join(import.meta.dirname, "../../examples/demo-account")], { asOf: "2026-11-28T00:00:00Z" });
}, 60_000);

function written(doc: CanonicalDocument, options: GenerateRunOptions): { text: string; pieces: number; warnings: unknown[] } {
  const pieces: string[] = [];
  const targets = writeGenerate(doc, options, (s) => pieces.push(s), catalog);
  return { text: pieces.join(""), pieces: pieces.length, warnings: targets.map((t) => [t.subject, t.build.warnings]) };
}

describe("writeGenerate", () => {
  it("has a shared role to split in the demo account (else --split would test nothing)", () => {
    const byRole = new Map<string, number>();
    for (const f of demo.functions) byRole.set(f.roleArn, (byRole.get(f.roleArn) ?? 0) + 1);
    expect([...byRole.values()].some((n) => n > 1)).toBe(true);
  });

  for (const format of FORMATS) {
    for (const split of [false, true]) {
      for (const diff of [false, true]) {
        it(`gives runGenerate's bytes: --format ${format}${split ? " --split" : ""}${diff ? " --diff" : ""}`, () => {
          const options: GenerateRunOptions = { format, ...(split ? { split } : {}), ...(diff ? { diff } : {}) };
          const whole = runGenerate(demo, options, catalog);
          const out = written(demo, options);
          expect(out.text).toBe(whole.output);
          expect(out.warnings).toEqual(whole.targets.map((t) => [t.subject, t.build.warnings]));
          // Streamed formats come in more than one piece (one per target at least).
          if (diff || !["terraform", "cloudformation"].includes(format)) expect(out.pieces).toBeGreaterThan(whole.targets.length - 1);
        });
      }
    }
  }

  it("gives runGenerate's bytes for SAM with managed policies (logical IDs unique across the streamed documents)", () => {
    for (const split of [false, true]) {
      const options: GenerateRunOptions = { format: "sam", target: "managed", ...(split ? { split } : {}) };
      const whole = runGenerate(demo, options, catalog);
      expect(whole.output).toMatch(/Type: AWS::IAM::ManagedPolicy/);
      expect(written(demo, options).text).toBe(whole.output);
      const ids = [...whole.output.matchAll(/^ {2}([A-Za-z0-9]+):$/gm)].map((m) => m[1]);
      expect(ids.length).toBeGreaterThan(1);
      expect(new Set(ids).size).toBe(ids.length);
    }
  });

  it("writes one function's policy, and an empty JSON array for a document without functions", () => {
    const one = { format: "json", function: demo.functions[0]!.name } as const;
    expect(written(demo, one).text).toBe(runGenerate(demo, one, catalog).output);
    const empty = { ...demo, functions: [] };
    for (const format of FORMATS) expect(written(empty, { format }).text).toBe(runGenerate(empty, { format }, catalog).output);
    expect(written(empty, { format: "json" }).text).toBe("[]\n");
  });
});

describe("statement comments", () => {
  it("say a kept grant's reason once: its note, not again as the wildcard's reason", () => {
    // The demo's s3-object-lambda and X-Ray grants are kept as today's policy grants them on "*"
    // (data events the trail may not log): before, the Terraform and CloudFormation outputs wrote
    // "# not logged: data event …" and "# *: data event …", the same sentence twice.
    for (const format of ["terraform", "cloudformation"] as const) {
      const out = runGenerate(demo, { format }, catalog).output;
      expect(out, format).toContain("not logged: data event the trail may not log for every resource: kept as today's policy grants it");
      expect(out, format).not.toMatch(/# \*: data event the trail may not log/);
      // A wildcard's own reason, which no note gives, is still written.
      expect(out, format).toMatch(/# \*: ec2:DescribeNetworkInterfaces has no resource-level permissions/);
    }
  });
});

describe("the Markdown within a pull-request comment's length (--max-length)", () => {
  let sam: CanonicalDocument;
  beforeAll(async () => {
    // The SAM corpus: 40 functions, whose diffs were 206 KB as one comment (GitHub refuses over 65,536).
    sam = await buildDocument(["/work/shared/corpus/serverless-patterns-sam"], { asOf: "2026-11-28T00:00:00Z" });
  }, 120_000);

  it("by default stays within GitHub's 65,536 characters, the diffs in their order while they fit, and says which were left out", () => {
    const whole = runGenerate(sam, { diff: true, maxLength: 0 }, catalog);
    const cut = runGenerate(sam, { diff: true }, catalog);
    expect(whole.output.length).toBeGreaterThan(65_536);
    expect(cut.output.length).toBeLessThanOrEqual(65_536);
    // The comment is the whole one's first diffs, then the note.
    const [kept, note] = cut.output.split("\n---\n\n> [!NOTE]\n");
    expect(whole.output.startsWith(kept!)).toBe(true);
    const shown = (kept!.match(/^### Right-sizing /gm) ?? []).length;
    expect(shown).toBeGreaterThan(3);
    const total = whole.targets.length;
    expect(note).toMatch(new RegExp(`^> ${total - shown} of ${total} right-sizing diffs not shown to fit a pull-request comment of 65,536 characters: \`[^\`]+\`(, \`[^\`]+\`){4} and ${total - shown - 5} more\\. Write them all with \`--max-length 0\``));
    // The next diff would not have fitted.
    const next = whole.output.slice(kept!.length).split("\n---\n\n")[1]!;
    expect(kept!.length + 5 + next.length).toBeGreaterThan(65_536 - 1_200);
    // Streamed as the CLI writes it: the same bytes.
    expect(written(sam, { diff: true }).text).toBe(cut.output);
  });

  it("a limit of one's own, and the policies' Markdown alike; a comment that fits is whole and has no note", () => {
    const small = runGenerate(sam, { format: "markdown", maxLength: 20_000 }, catalog).output;
    expect(small.length).toBeLessThanOrEqual(20_000);
    expect(small).toMatch(/\n> \d+ of \d+ policies not shown to fit a pull-request comment of 20,000 characters: /);
    expect(small).toContain("`leastrole generate --format markdown --max-length 0 -o policies.md`");
    expect(written(sam, { format: "markdown", maxLength: 20_000 }).text).toBe(small);
    const demoDiff = runGenerate(demo, { diff: true }, catalog).output;
    expect(demoDiff).toBe(runGenerate(demo, { diff: true, maxLength: 0 }, catalog).output);
    expect(demoDiff).not.toContain("[!NOTE]");
  });
});
