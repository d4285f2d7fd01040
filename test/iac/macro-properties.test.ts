/**
 * Under a macro (a transform other than SAM and AWS::LanguageExtensions), a property that is not in
 * the resource type's schema is the macro's input: said at the property, and a role holding one
 * is incomplete (its policies a lower bound). Before, only the template-wide transform warning
 * said anything, and the role read as one with no policy.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { readCloudFormationTemplate } from "../../src/sources/cloudformation/index.js";

const file = join(import.meta.dirname, "..", "fixtures", "macro-properties", "execution-role-builder-test.yaml");

describe("properties only a macro reads", () => {
  it("ExecutionRoleBuilder's Type, Name and Permissions are said, and the role is incomplete", () => {
    const f = readCloudFormationTemplate(readFileSync(file), "test.yaml");
    const said = f.warnings.filter((w) => w.code === "cloudformation-transform" && w.path !== "Transform");
    expect(said.map((w) => w.path)).toEqual([
      "Resources.ExecutionRoleBuilderMacroTestRole.Properties.Name",
      "Resources.ExecutionRoleBuilderMacroTestRole.Properties.Permissions",
      "Resources.ExecutionRoleBuilderMacroTestRole.Properties.Type",
    ]);
    expect(said.find((w) => w.path?.endsWith("Permissions"))?.message).toBe(
      "ExecutionRoleBuilderMacroTestRole: Permissions is not a property of AWS::IAM::Role: the transform ExecutionRoleBuilder reads it at deployment and leastrole does not, so what it grants or configures is not in this audit (the role's policies are a lower bound)",
    );
    expect(f.incompletePrincipals).toEqual([f.roles[0]?.arn]);
    expect(f.partial).toBe(true);
  });

  it("without a macro, nothing is said of a property (CloudFormation itself refuses an unknown one)", () => {
    const text = readFileSync(file, "utf8").replace("Transform: ExecutionRoleBuilder\n", "");
    const f = readCloudFormationTemplate(Buffer.from(text), "test.yaml");
    expect(f.warnings.filter((w) => w.code === "cloudformation-transform")).toEqual([]);
  });
});

describe("a function's Policies under a macro", () => {
  it("is said at the property (AWS::Lambda::Function has no Policies)", () => {
    const t = `Transform: MyRoleMacro
Resources:
  Fn:
    Type: AWS::Lambda::Function
    Properties:
      Role: arn:aws:iam::123456789012:role/fn
      Runtime: python3.12
      Handler: app.handler
      Code: {ZipFile: x}
      Policies:
        - Statement: [{Effect: Allow, Action: s3:GetObject, Resource: "arn:aws:s3:::b/*"}]
`;
    const f = readCloudFormationTemplate(Buffer.from(t), "t.yaml");
    expect(f.warnings.filter((w) => w.code === "cloudformation-transform").map((w) => w.path)).toEqual(["Resources.Fn.Properties.Policies", "Transform"]);
  });
});
