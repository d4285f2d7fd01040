/**
 * Lambda layer versions a plan or state makes (`aws_lambda_layer_version`: `layer_name`, `arn`,
 * `version`) and the permissions it adds to them (`aws_lambda_layer_version_permission`:
 * `layer_name` a name or an ARN, `version_number`, `principal` an account ID or `*`,
 * `organization_id` with `*`, `action`, `statement_id`), as the statements Lambda's
 * AddLayerVersionPermission writes (LR022). A version made by the same plan has its ARN only
 * after apply: `arn:…:layer:<name>:${<address>.version}` here, the string a function's `layers`
 * and a permission naming that resource both come to, so the three join.
 * https://registry.terraform.io/providers/hashicorp/aws/latest/docs/resources/lambda_layer_version_permission
 */

import type { SourceLocation } from "../../model/document.js";
import { LayerVersionDrafts, parseLayerVersionArn, type LayerVersionRecord } from "../lambda-layers.js";
import { permissionStatement } from "../cloudformation/lambda-shapes.js";
import { targetOf, type TfResource } from "./plan-index.js";
import { unknownAt, valueAtPath } from "./values.js";
import type { PlanReader } from "./read-plan.js";

/** The version's ARN: the plan's or state's value, else built from its name and a version known once published. */
export function layerVersionArn(p: PlanReader, r: TfResource): string {
  const known = p.knownString(r, "arn");
  if (known !== undefined && parseLayerVersionArn(known)) return known;
  const { partition, region, accountId } = p.ctxOf(r);
  const name = p.knownString(r, "layer_name") ?? `\${${r.address}.layer_name}`;
  const version = p.knownString(r, "version") ?? `\${${r.address}.version}`;
  return `arn:${partition}:lambda:${region}:${accountId}:layer:${name}:${version}`;
}

/**
 * A function's `layers`: each known ARN, and each known only after apply (a layer version of the
 * same plan, `aws_lambda_layer_version.x.arn`) as that version's ARN (arnAt, through arnOfTarget).
 */
export function functionLayers(p: PlanReader, r: TfResource): string[] {
  const list = valueAtPath(r.values, ["layers"]);
  if (!Array.isArray(list)) return [];
  return list
    .map((v, i) => {
      if (typeof v === "string" && v !== "" && !unknownAt(r.unknown, ["layers", i])) return v;
      const arn = p.arnAt(r, "layers", i);
      // The plan's configuration gives the references of the whole list (`[aws_lambda_layer_version.x.arn]`),
      // not of each element: a list of one names that one.
      if (list.length === 1 && (arn === null || arn.startsWith("${"))) {
        const target = targetOf(p.index, p.follow(r, "layers"), r);
        if (target?.mode === "managed" && target.type === "aws_lambda_layer_version") return layerVersionArn(p, target);
      }
      return arn;
    })
    .filter((x): x is string => x !== null && x !== "");
}

/** The layer version a permission names: its `layer_name` (a name, an ARN, or a version of the plan) and `version_number`. */
function permissionTarget(p: PlanReader, r: TfResource, versions: ReadonlyMap<string, TfResource>): string | null {
  const viaReference = (attr: string): TfResource | undefined => {
    const res = p.follow(r, attr);
    const target = targetOf(p.index, res, r);
    return target?.mode === "managed" && target.type === "aws_lambda_layer_version" ? versions.get(target.address) : undefined;
  };
  const name = p.knownString(r, "layer_name");
  const versionValue = p.known(r, "version_number");
  const version = typeof versionValue === "number" || typeof versionValue === "string" ? String(versionValue) : undefined;
  // `layer_name = aws_lambda_layer_version.x.layer_arn` (or .layer_name), `version_number = aws_lambda_layer_version.x.version`.
  const made = name === undefined || version === undefined ? (viaReference("layer_name") ?? viaReference("version_number")) : undefined;
  if (made !== undefined) return layerVersionArn(p, made);
  if (name === undefined || version === undefined) return null;
  if (name.startsWith("arn:")) return parseLayerVersionArn(`${name.replace(/:\d+$/, "")}:${version}`)?.arn ?? null;
  const { partition, region, accountId } = p.ctxOf(r);
  return `arn:${partition}:lambda:${region}:${accountId}:layer:${name}:${version}`;
}

export function readLayerVersions(p: PlanReader, layers: readonly TfResource[], permissions: readonly TfResource[]): LayerVersionRecord[] {
  const versions = new Map(layers.map((r) => [r.address, r]));
  const drafts = new LayerVersionDrafts();
  const entry = (arn: string, source: SourceLocation) => drafts.entry(arn, source);
  for (const r of layers) entry(layerVersionArn(p, r), p.location(r));
  for (const r of permissions) {
    const arn = permissionTarget(p, r, versions);
    const at = p.location(r);
    const e = arn === null ? null : entry(arn, at);
    if (e === null) {
      p.warn("unattributable-record", "warning", `${r.address}: its layer_name and version_number name no layer version the plan knows (${arn ?? "unknown until applied"}): its permission is not judged`, p.valuesPath(r));
      continue;
    }
    const str = (attr: string): string | null => p.stringOrPlaceholder(r, attr)?.value ?? null;
    const statement = permissionStatement({
      statementId: p.knownString(r, "statement_id") ?? null,
      action: p.knownString(r, "action") ?? "lambda:GetLayerVersion",
      principal: str("principal") ?? "*",
      functionArn: e.record.arn!,
      sourceArn: null,
      sourceAccount: null,
      principalOrgId: str("organization_id"),
      functionUrlAuthType: null,
      eventSourceToken: null,
    });
    e.statements.push(statement);
    e.sources.push(at);
  }
  return drafts.finish();
}
