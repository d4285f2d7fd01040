/**
 * Lambda takes layer version ARNs only: `…:layer:<name>` without a version (or with `:latest`) is
 * refused at deployment (ValidationException "Member must satisfy regular expression pattern:
 * (arn:[a-zA-Z0-9-]+:lambda:[a-zA-Z0-9-]+:\d{12}:layer:[a-zA-Z0-9-_]+:[0-9]+)|…",
 * pulumi/pulumi-aws#750, mooyoul/serverless-latest-layer-version#5). Before, it was read silently.
 */
import { describe, expect, it } from "vitest";
import { readCloudFormationTemplate } from "../../src/sources/cloudformation/index.js";

const template = (layers: string) => `Transform: AWS::Serverless-2016-10-31
Resources:
  Layer:
    Type: AWS::Serverless::LayerVersion
    Properties:
      LayerName: shared
      ContentUri: layer/
  Fn:
    Type: AWS::Serverless::Function
    Properties:
      Runtime: python3.12
      Handler: app.handler
      InlineCode: x
      Layers:
${layers}`;
const said = (yaml: string, options = {}) => readCloudFormationTemplate(Buffer.from(yaml), "template.yaml", options).warnings.filter((w) => w.code === "cloudformation-layer-not-a-version");

describe("a function's layers", () => {
  it("a layer ARN without a version, or with :latest, is said at its place", () => {
    const w = said(template("        - arn:aws:lambda:us-east-1:134506265209:layer:dependenciesLayer\n        - arn:aws:lambda:us-east-1:123456789012:layer:SampleLayer:latest\n        - arn:aws:lambda:us-east-1:580247275435:layer:LambdaInsightsExtension:21\n"));
    expect(w.map((x) => x.path)).toEqual(["Resources.Fn.Properties.Layers[0]", "Resources.Fn.Properties.Layers[1]"]);
    expect(w[0]?.message).toContain("layer arn:aws:lambda:us-east-1:134506265209:layer:dependenciesLayer is not a layer version ARN");
  });

  it("a version ARN, the template's own layer and a value known only at deployment are not", () => {
    const ok = template("        - !Ref Layer\n        - !Sub arn:aws:lambda:${AWS::Region}:580247275435:layer:LambdaInsightsExtension:21\n        - !Sub arn:aws:lambda:${AWS::Region}:${AWS::AccountId}:layer:shared\n");
    expect(said(ok)).toEqual([]);
    expect(said(ok, { region: "eu-west-1", accountId: "123456789012" }).map((x) => x.path)).toEqual(["Resources.Fn.Properties.Layers[2]"]);
  });
});
