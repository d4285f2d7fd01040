/**
 * `audit(paths)`: the whole pipeline in one call — inputs in, findings report out.
 */

import { packsOf, suppressionsOf } from "../config/load.js";
import type { LeastroleConfig } from "../model/config.js";
import type { CanonicalDocument } from "../model/document.js";
import type { AuditReport } from "../report/json.js";
import { auditPendingAsync, checkedRules, type AuditOptions } from "./audit-document.js";
import { prepareBuiltinInstance } from "../evaluate/evaluator.js";
import { buildPendingDocument, type BuildOptions } from "./build-document.js";
import { addTiming, moveTiming, startStage } from "./timings.js";

export interface AuditPathsOptions extends BuildOptions, AuditOptions {
  /** Path of the config file, to resolve its relative rule-pack paths and name it in reports. */
  configFile?: string;
}

export interface AuditResult {
  report: AuditReport;
  document: CanonicalDocument;
}

/** Options for the evaluator that come from a config file. */
export function evaluationOptionsOf(config: LeastroleConfig | undefined, configFile?: string): AuditOptions {
  if (!config) return {};
  return {
    suppressions: suppressionsOf(config, configFile),
    rules: packsOf(config, configFile),
    disable: config.rules?.disable ?? [],
    ruleOptions: { ...(config.rules?.options ?? {}), scope: config.scope ?? "execution-roles" },
    ...(configFile !== undefined ? { configFile } : {}),
  };
}

export async function audit(paths: string[], options: AuditPathsOptions = {}): Promise<AuditResult> {
  const fromConfig = evaluationOptionsOf(options.config, options.configFile);
  const ruleOptions = { ...(fromConfig.ruleOptions ?? {}), ...(options.ruleOptions ?? {}) };
  // While the heap is small (prepareBuiltinInstance says why).
  if (!options.noBuiltinRules) prepareBuiltinInstance(ruleOptions);
  // The rules' first slices are evaluated while the rest of the document is made (PendingDocument).
  const pending = await buildPendingDocument(paths, options);
  const t = startStage();
  const { document, report } = await auditPendingAsync(pending, {
    ...fromConfig,
    ...options,
    rules: [...(fromConfig.rules ?? []), ...checkedRules(options.rules)],
    suppressions: [...(fromConfig.suppressions ?? []), ...(options.suppressions ?? [])],
    ruleOptions,
  });
  addTiming(options.timings, "evaluate", t, options.cpuTimings);
  moveTiming(options.timings, options.cpuTimings, "evaluate", "analyze", pending.finishingMs());
  return { report, document };
}
