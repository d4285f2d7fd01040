/**
 * The labels' digest (Labelling.digestOf, src/usage/labels.ts): what the built-in rules read of a
 * function's label set (LR008), made without building the labels when they are not kept (the
 * audit). Law: for every function, under any kept exceptions, window and as-of instant, it is the
 * digest of the label set labelsOf makes (digestOfLabels), and labelling this way leaves the rest of
 * the usage section (coverage, disagreements, principals) as it is. On a generated account with
 * real CloudTrail files; with Access Advisor reports (which rewrite labels one by one, so the
 * digest is made from the labels) and without (the direct path).
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { generateAccount } from "../../bench/scale/generate.js";
import { buildDocument } from "../../src/audit/build-document.js";
import type { CanonicalDocument } from "../../src/model/document.js";
import { readUsage, type UsageAggregate, type UsageException } from "../../src/usage/index.js";
import { digestOfLabels, startLabelling, type LabelOptions } from "../../src/usage/labels.js";

const work = mkdtempSync(join(tmpdir(), "lr-digest-"));
interface Account {
  document: CanonicalDocument;
  aggregate: UsageAggregate;
}
const accounts: { [name: string]: Account } = {};

beforeAll(async () => {
  for (const [name, accessAdvisor] of [
    ["trail only", false],
    ["with Access Advisor", true],
  ] as const) {
    const a = generateAccount(join(work, name.replace(/ /g, "-")), { functions: 90, records: 6_000, seed: 13, accessAdvisor });
    // The document without usage (labelling makes that part), and the usage read on its own.
    const document = await buildDocument([a.accountDir], { workers: 1 });
    const aggregate = await readUsage([a.trailDir], { workers: 1 });
    accounts[name] = { document, aggregate };
  }
}, 120_000);
afterAll(() => rmSync(work, { recursive: true, force: true }));

const ACTIONS = ["*", "s3:*", "s3:Get*", "dynamodb:*", "dynamodb:?utItem", "sqs:SendMessage", "kms:Decrypt", "logs:*", "sns:*", "xray:Put*", "ec2:*NetworkInterface*"];

/** Exceptions as usageExceptions resolves a config's (per function), and also per role and everywhere. */
function exceptionsArb(document: CanonicalDocument): fc.Arbitrary<UsageException[]> {
  const scope = fc.oneof(
    fc.constant({}),
    fc.integer({ min: 0, max: document.functions.length - 1 }).map((i) => ({ functionArn: document.functions[i]!.arn })),
    fc.integer({ min: 0, max: document.roles.length - 1 }).map((i) => ({ roleArn: document.roles[i]!.arn })),
  );
  // Overlapping patterns with different reasons: the last one that matches is the one kept.
  return fc.array(fc.record({ action: fc.constantFrom(...ACTIONS), scope, reason: fc.constantFrom("disaster recovery", "error path", "quarterly job") }), { maxLength: 6 }).map((list) => list.map((e) => ({ action: e.action, reason: e.reason, ...e.scope })));
}

const text = (x: unknown): string => JSON.stringify(x);

describe("the labels' digest", () => {
  for (const name of ["trail only", "with Access Advisor"]) {
    it(`is digestOfLabels of the label set, and the section is the same (${name})`, () => {
      const { document, aggregate } = accounts[name]!;
      const end = aggregate.coverage.lastEvent!;
      let made = 0;
      fc.assert(
        fc.property(
          exceptionsArb(document),
          // Windows the data covers, and ones it does not (missing days: nothing is unused), as of
          // the data's end or days before it (functions and roles then too new, or calls after it).
          fc.constantFrom(7, 30, 60),
          fc.constantFrom(null, 0, 3, 20),
          fc.boolean(),
          (exceptions, windowDays, daysBefore, dataEventsLogged) => {
            const asOf = daysBefore === null ? null : new Date(Date.parse(end.slice(0, 10)) + 86_400_000 - daysBefore * 86_400_000).toISOString();
            const options: LabelOptions = { windowDays, asOf, exceptions, dataEventsLogged };
            const kept = startLabelling(aggregate, document, options, true);
            const direct = startLabelling(aggregate, document, options, false);
            // In an order other than the document's (the slices ask for them in any order).
            for (const f of [...document.functions].reverse()) {
              const ls = kept.labelsOf(f);
              const want = ls === null ? null : digestOfLabels(ls);
              const got = direct.digestOf(f);
              expect(text(got), f.arn).toBe(text(want));
              if (got !== null) made++;
            }
            const a = kept.finish();
            const b = direct.finish();
            expect(b.labels).toEqual([]);
            expect(text({ ...b, labels: a.labels })).toBe(text(a));
          },
        ),
        { numRuns: 25 },
      );
      // Most runs cover their window: digests were compared, not only nulls.
      expect(made).toBeGreaterThan(25 * 10);
    }, 120_000);
  }

  it("is not vacuous: digests with unused actions, kept exceptions and every kind of label occur", () => {
    const { document, aggregate } = accounts["trail only"]!;
    const exceptions: UsageException[] = [{ action: "s3:*", reason: "disaster recovery" }, { action: "dynamodb:*", functionArn: document.functions[0]!.arn, reason: "error path" }];
    const direct = startLabelling(aggregate, document, { exceptions }, false);
    const digests = document.functions.map((f) => direct.digestOf(f)).filter((d) => d !== null);
    expect(digests.length).toBeGreaterThan(document.functions.length / 2);
    expect(digests.some((d) => d.unusedActions.length > 0)).toBe(true);
    expect(digests.some((d) => d.keptExceptions.length > 0)).toBe(true);
    const labels = new Set(digests.flatMap((d) => Object.keys(d.labelCounts)));
    expect([...labels].sort()).toEqual(expect.arrayContaining(["unknowable", "unused", "used"]));
  });
});
