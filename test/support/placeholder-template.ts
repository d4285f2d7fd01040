/**
 * A CloudFormation template for the tests of what a person reads about a template's placeholder
 * account (test/analysis/deployment-account.test.ts, test/report/deployment-account.test.ts): a
 * Lambda role that can rewrite IAM policies and pass roles (LR014), its function, and another
 * function with an environment variable the first role can read (LR013). `extra`: more resources.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";

/** A CloudFormation template: a Lambda role that can rewrite policies and pass roles, its function, and an env-reading role. */
export function writeTemplate(dir: string, extra: Record<string, unknown> = {}): string {
  const trust = { Version: "2012-10-17", Statement: [{ Effect: "Allow", Principal: { Service: "lambda.amazonaws.com" }, Action: "sts:AssumeRole" }] };
  const body = {
    Resources: {
      AppRole: {
        Type: "AWS::IAM::Role",
        Properties: {
          AssumeRolePolicyDocument: trust,
          Policies: [{ PolicyName: "rewrite", PolicyDocument: { Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: ["iam:CreatePolicyVersion", "iam:PutRolePolicy", "glue:CreateDevEndpoint", "iam:PassRole", "lambda:GetFunctionConfiguration"], Resource: "*" }] } }],
        },
      },
      AppFunction: { Type: "AWS::Lambda::Function", Properties: { Runtime: "python3.12", Handler: "app.handler", Code: { ZipFile: "def handler(e, c): pass" }, Role: { "Fn::GetAtt": ["AppRole", "Arn"] } } },
      OtherRole: { Type: "AWS::IAM::Role", Properties: { AssumeRolePolicyDocument: trust } },
      OtherFunction: {
        Type: "AWS::Lambda::Function",
        Properties: { Runtime: "python3.12", Handler: "app.handler", Code: { ZipFile: "def handler(e, c): pass" }, Role: { "Fn::GetAtt": ["OtherRole", "Arn"] }, Environment: { Variables: { TOKEN: "x" } } },
      },
      ...extra,
    },
  };
  mkdirSync(dir, { recursive: true });
  const file = join(dir, "template.json");
  writeFileSync(file, JSON.stringify(body, null, 2));
  return file;
}

