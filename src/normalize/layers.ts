/**
 * Layer versions: the records of every input joined by ARN (a list names a version, a
 * get-layer-version-policy file gives its policy, a template defines it and its permissions), and
 * each joined to the functions of the inputs that use it (`Layers`). A policy file that names only
 * its layer's name and version (its path, without an account) goes to the one version of that
 * name, version and region the other inputs name; without one it is said, not guessed.
 */

import type { LambdaFunction, LayerVersion, Warning } from "../model/document.js";
import type { LayerVersionRecord } from "../sources/lambda-layers.js";
import { canonicalJson } from "./canonical-json.js";
import { compareStrings } from "./merge.js";

export function joinLayerVersions(records: readonly LayerVersionRecord[], functions: readonly LambdaFunction[], warnings: Warning[]): LayerVersion[] {
  const byArn = new Map<string, LayerVersion>();
  const addPolicy = (layer: LayerVersion, r: LayerVersionRecord): void => {
    if (r.policy === undefined) return;
    if (layer.policy === null) {
      layer.policy = r.policy;
      // A finding on the version is about its policy: it points at the file holding it, not at a list naming the version.
      layer.source = r.source;
      if (r.policyStatementSources) layer.policyStatementSources = r.policyStatementSources;
    } else if (canonicalJson(layer.policy) !== canonicalJson(r.policy)) {
      warnings.push({
        code: "conflicting-records",
        severity: "warning",
        ...(r.source?.file ? { file: r.source.file } : {}),
        message: `the policy of layer version ${layer.arn} differs between ${layer.policyStatementSources?.[0]?.file ?? "one input"} and ${r.source?.file ?? "another"}; kept the first (inputs sorted by path)`,
      });
    }
  };
  for (const r of records) {
    if (r.arn === null) continue;
    let layer = byArn.get(r.arn);
    if (!layer) byArn.set(r.arn, (layer = { arn: r.arn, name: r.name, version: r.version, accountId: r.accountId ?? "", region: r.region ?? "", policy: null, functions: [], source: r.source }));
    addPolicy(layer, r);
  }
  for (const r of records) {
    if (r.arn !== null) continue;
    const candidates = [...byArn.values()].filter((l) => l.name === r.name && l.version === r.version && (r.region === null || l.region === r.region));
    if (candidates.length === 1) addPolicy(candidates[0]!, r);
    else {
      warnings.push({
        code: "unattributable-record",
        severity: "warning",
        ...(r.source?.file ? { file: r.source.file } : {}),
        message:
          candidates.length === 0
            ? `the policy of layer ${r.name} version ${r.version}${r.region ? ` (${r.region})` : ""} names no layer version ARN, and no other input names that version (give list-layer-versions --layer-name ${r.name} beside it): its account is unknown, so it is not judged`
            : `the policy of layer ${r.name} version ${r.version} names no layer version ARN, and several accounts' versions match (${candidates.map((c) => c.arn).join(", ")}): not judged`,
      });
    }
  }
  // Which functions run each version: a function's Layers name versions by ARN.
  for (const fn of functions) {
    for (const l of fn.layers) {
      const layer = byArn.get(l);
      if (layer && !layer.functions.includes(fn.arn)) layer.functions.push(fn.arn);
    }
  }
  return [...byArn.values()]
    .map((l) => ({ ...l, functions: l.functions.sort(compareStrings) }))
    .sort((a, b) => compareStrings(a.arn, b.arn));
}
