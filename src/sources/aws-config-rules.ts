/**
 * Reader for `aws configservice describe-config-rules` output (AWS Config API DescribeConfigRules):
 * `{ConfigRules: [{ConfigRuleName, ConfigRuleArn, ConfigRuleId, Source: {Owner, SourceIdentifier,
 * SourceDetails}, Scope, InputParameters, ConfigRuleState …}], NextToken?}`.
 *
 * A rule whose `Source.Owner` is CUSTOM_LAMBDA runs the function its `Source.SourceIdentifier`
 * names (a function ARN): Config invokes it, and the function's code reports each result with
 * config:PutEvaluations, with its execution role. The function gets the rule's name in
 * `configRules` (a patch joined by ARN). AWS managed and CUSTOM_POLICY (Guard) rules run no
 * function of the account; a rule being deleted (`DELETING`) runs none any more; a rule whose
 * function is in another account is that account's evaluator's, which reports with a role of the
 * rule's account (requirements.ts leaves such rules out of a resource policy too). A file whose
 * `NextToken` says more rules follow is partial unless another file of the kind completes it.
 */

import { asObject, eachRecord, FileContext, isObject, isResponseMetadataKey, joinPath, optString } from "./record-reader.js";
import { targetOfArn } from "./function-target.js";
import { nextPageKey, valuePages } from "./pagination.js";
import { emptyFragment, type FunctionPatch, type ReaderInput, type SourceFragment } from "./types.js";

/** A describe-config-rules page: a ConfigRules list of rules with a Source, and nothing else but its token. */
export function isDescribeConfigRules(v: unknown): boolean {
  if (!isObject(v) || !Array.isArray(v["ConfigRules"])) return false;
  const rules = v["ConfigRules"] as unknown[];
  return rules.every((r) => isObject(r) && isObject(r["Source"])) && Object.keys(v).every((k) => k === "ConfigRules" || k === "NextToken" || isResponseMetadataKey(k));
}

export function readConfigRules(input: ReaderInput): SourceFragment {
  const ctx = new FileContext(input.file);
  const fragment = emptyFragment({ path: input.file, kind: "aws-config-rules", sha256: input.sha256, records: 0 });
  let records = 0;
  for (const { value, base } of valuePages(input.values)) {
    try {
      const page = asObject(value, ctx, base);
      const listPath = joinPath(base, "ConfigRules");
      const patches = eachRecord(page["ConfigRules"] as unknown[], ctx, listPath, (item, path): FunctionPatch | null => {
        records += 1;
        const rule = asObject(item, ctx, path);
        const source = asObject(rule["Source"], ctx, joinPath(path, "Source"));
        if (source["Owner"] !== "CUSTOM_LAMBDA" || rule["ConfigRuleState"] === "DELETING") return null;
        const identifier = optString(source, "SourceIdentifier", ctx, joinPath(path, "Source"));
        const target = identifier === null ? null : targetOfArn(identifier);
        if (target === null || target.functionArn === null) {
          ctx.warn("unknown-function", "warning", joinPath(path, "Source.SourceIdentifier"), `custom rule ${String(rule["ConfigRuleName"] ?? "?")}: its SourceIdentifier ${JSON.stringify(identifier)} is not a Lambda function ARN; ignored`);
          return null;
        }
        const ruleArn = optString(rule, "ConfigRuleArn", ctx, path);
        const ruleAccount = ruleArn?.split(":")[4];
        if (ruleAccount !== undefined && ruleAccount !== "" && ruleAccount !== target.functionArn.split(":")[4]) return null;
        const name = optString(rule, "ConfigRuleName", ctx, path) ?? ruleArn ?? identifier!;
        return { ...target, qualifier: null, patch: { configRules: [name] }, path };
      });
      for (const p of patches) if (p !== null) fragment.functionPatches.push(p);
      const key = nextPageKey(page);
      fragment.pagination = { truncated: key !== undefined, path: joinPath(base, key ?? "NextToken") };
    } catch (error) {
      ctx.report(error);
    }
  }
  fragment.source.records = records;
  fragment.warnings = ctx.warnings;
  fragment.partial = ctx.partial;
  return fragment;
}
