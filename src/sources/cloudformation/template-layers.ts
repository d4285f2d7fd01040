/**
 * Lambda layer versions a template defines (AWS::Lambda::LayerVersion, SAM's
 * AWS::Serverless::LayerVersion) and the permissions it adds to their policies
 * (AWS::Lambda::LayerVersionPermission: `LayerVersionArn`, `Principal` an account or `*`,
 * `OrganizationId` with `*`), as the statements Lambda's AddLayerVersionPermission writes (LR022).
 * Ref of a layer version is its ARN, known once published: `…:layer:<name>:${<Id>.Version}` here,
 * the same string a function's `Layers: [!Ref Layer]` resolves to, so the two join.
 * https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-lambda-layerversionpermission.html
 */

import type { SourceLocation } from "../../model/document.js";
import { LayerVersionDrafts, type LayerVersionRecord } from "../lambda-layers.js";
import { permissionStatement, type ArnContext } from "./lambda-shapes.js";
import type { TemplateReader } from "./read-template.js";

export const LAYER_VERSION_TYPES = ["AWS::Lambda::LayerVersion", "AWS::Serverless::LayerVersion"] as const;

/** The ARN Ref of a layer version resource gives: its name (LayerName, else the one CloudFormation makes) and a version known once published. */
export function layerVersionArnOf(ctx: ArnContext, name: string, id: string): string {
  return `arn:${ctx.partition}:lambda:${ctx.region}:${ctx.accountId}:layer:${name}:\${${id}.Version}`;
}

export function readLayerVersions(reader: TemplateReader, layers: ReadonlyArray<[string, { sourcePath: string }]>, permissions: ReadonlyArray<[string, Parameters<TemplateReader["prop"]>[0]]>): LayerVersionRecord[] {
  const drafts = new LayerVersionDrafts();
  const entry = (arn: string, source: SourceLocation) => drafts.entry(arn, source);
  for (const [id, r] of layers) entry(reader.layerVersionArn(id), reader.location(r.sourcePath, id));
  for (const [id, r] of permissions) {
    const arn = reader.propString(r, "LayerVersionArn") ?? "";
    const at = reader.location(r.sourcePath, id);
    const e = entry(arn, at);
    if (e === null) {
      reader.warn(
        "unattributable-record",
        "warning",
        `${id}: LayerVersionArn ${JSON.stringify(arn)} names no layer version (arn:…:layer:<name>:<version>, or a Ref of the template's layer version): its permission is not judged`,
        `${r.sourcePath}.Properties.LayerVersionArn`,
      );
      continue;
    }
    const statement = permissionStatement({
      statementId: id,
      action: reader.propString(r, "Action") ?? "lambda:GetLayerVersion",
      principal: reader.propString(r, "Principal") ?? "*",
      functionArn: e.record.arn!,
      sourceArn: null,
      sourceAccount: null,
      principalOrgId: reader.propString(r, "OrganizationId") ?? null,
      functionUrlAuthType: null,
      eventSourceToken: null,
    });
    e.statements.push(statement);
    e.sources.push(at);
  }
  return drafts.finish();
}
