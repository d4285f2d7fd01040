/**
 * One CloudFormation template read into a canonical document, and the built-in rules' findings on
 * it: what the rule tests of a function's configuration (its layers, mappings, targets) share.
 */
import { expect } from "vitest";
import { analyzeDocument } from "../../../src/analysis/index.js";
import { evaluateDocument, loadBuiltinPack } from "../../../src/evaluate/index.js";
import { loadActionCatalogSync } from "../../../src/iam/index.js";
import type { CanonicalDocument } from "../../../src/model/document.js";
import type { Finding } from "../../../src/model/findings.js";
import { normalizeFragments } from "../../normalize/checked.js";
import { readCloudFormationTemplate } from "../../../src/sources/cloudformation/index.js";

/** The template as `template.yaml` of this account, in us-east-1. */
export function readTemplate(text: string, accountId = "123456789012"): CanonicalDocument {
  return normalizeFragments([readCloudFormationTemplate(Buffer.from(text), "template.yaml", { region: "us-east-1", accountId })]).document;
}

/** The built-in rules' findings on a document, analysed; the evaluation must give no diagnostic. */
export function builtinFindings(document: CanonicalDocument): Finding[] {
  const { findings, diagnostics } = evaluateDocument(analyzeDocument(document, loadActionCatalogSync()), [loadBuiltinPack()], { today: "2026-12-05" });
  expect(diagnostics).toEqual([]);
  return findings;
}
