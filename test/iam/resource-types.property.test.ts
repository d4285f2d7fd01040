/**
 * Laws of matchResourceType (src/iam/resource-types.ts) over the whole action catalog, not only
 * the services the other tests name: an ARN written in one of an action's own formats is of one
 * of the action's types, and the match gives back the names it was written with. Why here: the
 * matcher skips a format whose longest literal text the ARN lacks (its `needle`), and a needle
 * that were not verbatim in the format's ARNs would make the matcher refuse them, which no
 * S3- or DynamoDB-only test would notice.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { loadActionCatalogSync, type ActionInfo } from "../../src/iam/index.js";
import { matchResourceType } from "../../src/generate/index.js";

const catalog = loadActionCatalogSync();

/** Every (action, format) pair of the catalog whose action takes a resource type. */
const pairs: { info: ActionInfo; format: string }[] = [];
for (let i = 0; i < catalog.size; i++) {
  const info = catalog.actionAt(i);
  if (info === undefined) continue;
  for (const t of info.resourceTypes) for (const format of t.arnFormats) pairs.push({ info, format });
}

const PLACEHOLDER = /\$\{([^}]+)\}/g;

/** The format with each placeholder replaced by `valueOf(name, position)`. */
function fill(format: string, valueOf: (name: string, at: number) => string): string {
  let at = 0;
  return format.replace(PLACEHOLDER, (_m, name: string) => valueOf(name, at++));
}

describe("matchResourceType over the catalog", () => {
  it("has formats to test (the catalog loaded)", () => {
    expect(pairs.length).toBeGreaterThan(10_000);
  });

  it("types an ARN written in one of the action's formats, with the values it was written with", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: pairs.length - 1 }),
        // Names of one path segment: no `/` or `:`, so the strict pass must take them.
        fc.array(fc.stringMatching(/^[A-Za-z0-9_.-]{1,12}$/), { minLength: 12, maxLength: 12 }),
        (k, names) => {
          const { info, format } = pairs[k] as { info: ActionInfo; format: string };
          const value = (name: string, at: number): string => (name === "Partition" ? "aws" : name === "Region" ? "eu-west-1" : name === "Account" ? "123456789012" : (names[at % names.length] as string));
          const arn = fill(format, value);
          const m = matchResourceType(info, arn, catalog);
          expect(m, `${info.action} on ${arn} (${format})`).not.toBeNull();
          // Another of the action's formats may take the ARN too (the first that does is kept), but
          // whichever it is writes the same ARN back from the values it read.
          const match = m as NonNullable<typeof m>;
          expect(fill(match.format, (_name, at) => match.values[at]?.value ?? "")).toBe(arn);
          expect(info.resourceTypes.some((t) => t.name === match.type)).toBe(true);
        },
      ),
      { numRuns: 2000 },
    );
  });

  it("every format of every action: the ARN it writes with plain names is of the action's types", () => {
    // Exhaustive, with fixed names: the needle of each of the catalog's formats is tried once.
    const refused: string[] = [];
    for (const { info, format } of pairs) {
      const arn = fill(format, (name, at) => (name === "Partition" ? "aws" : name === "Region" ? "us-east-1" : name === "Account" ? "111122223333" : `name${at}`));
      if (matchResourceType(info, arn, catalog) === null) refused.push(`${info.action} ${format}`);
    }
    expect(refused).toEqual([]);
  });
});
