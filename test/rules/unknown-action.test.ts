/**
 * LR019's table of names AWS's own SAM policy templates write though they are not IAM actions,
 * held equal to the templates leastrole ships (src/sources/cloudformation/sam-policy-templates.json)
 * and the action catalog: a new template version with another such name, or a catalog that learns
 * one, fails here instead of changing a severity silently.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { loadActionCatalogSync } from "../../src/iam/index.js";

const root = join(import.meta.dirname, "..", "..");

describe("LR019 unknown-action: names from AWS's SAM policy templates", () => {
  it("the rule's table is exactly the template actions the catalog does not know, with their template", () => {
    const templates = (JSON.parse(readFileSync(join(root, "src/sources/cloudformation/sam-policy-templates.json"), "utf8")) as { Templates: Record<string, unknown> }).Templates;
    const catalog = loadActionCatalogSync();
    const unknown = new Map<string, Set<string>>();
    const walk = (template: string, v: unknown): void => {
      if (Array.isArray(v)) for (const x of v) walk(template, x);
      else if (v !== null && typeof v === "object") {
        for (const [k, x] of Object.entries(v)) {
          if (k === "Action") for (const a of [x].flat()) if (typeof a === "string" && !a.includes("*") && !catalog.action(a)) unknown.set(a.toLowerCase(), (unknown.get(a.toLowerCase()) ?? new Set()).add(template));
          walk(template, x);
        }
      }
    };
    for (const [name, t] of Object.entries(templates)) walk(name, t);
    const rego = readFileSync(join(root, "policies/rules/unknown_action.rego"), "utf8");
    const table = /aws_template_names := \{([\s\S]*?)\n\}/.exec(rego)?.[1] ?? "";
    const rows = [...table.matchAll(/"([^"]+)": \{"template": "([^"]+)", "authorisedBy": "([^"]+)"\}/g)].map((m) => ({ name: m[1] as string, template: m[2] as string, authorisedBy: m[3] as string }));
    expect(Object.fromEntries(rows.map((r) => [r.name, r.template]))).toEqual(Object.fromEntries([...unknown].map(([a, ts]) => [a, [...ts].sort().join(", ")])));
    expect(rows.length).toBeGreaterThan(0);
    // The action that authorises each name is a real one, and the same template grants it.
    for (const r of rows) {
      expect(catalog.action(r.authorisedBy)?.action, r.name).toBe(r.authorisedBy);
      expect(JSON.stringify(templates[r.template]), r.name).toContain(`"${r.authorisedBy}"`);
    }
  });
});
