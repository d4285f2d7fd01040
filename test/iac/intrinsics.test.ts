import { readFileSync, readdirSync } from "node:fs";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { IntrinsicResolver, NO_VALUE, parseYamlLocated, readCloudFormationTemplate, type IntrinsicContext } from "../../src/sources/cloudformation/index.js";

function resolver(extra: Partial<IntrinsicContext> = {}): IntrinsicResolver {
  return new IntrinsicResolver({
    parameters: {},
    conditions: {},
    mappings: {},
    resources: {},
    partition: "aws",
    region: null,
    accountId: null,
    stackName: null,
    roleArn: (id) => `arn:aws:iam::unknown:role/${id}`,
    functionArn: (id) => `arn:aws:lambda:unknown:unknown:function:${id}`,
    functionName: (id) => id,
    policyArn: (id) => `arn:aws:iam::unknown:policy/${id}`,
    onUndecidedCondition: () => undefined,
    ...extra,
  });
}

const plain = fc.string().filter((s) => !s.includes("${"));
const delimiter = fc.constantFrom(",", "|", "/", ":", "-");

describe("intrinsic function laws", () => {
  it("Fn::Sub of a string without ${} is the string", () => {
    fc.assert(
      fc.property(plain, (s) => {
        expect(resolver().resolve({ "Fn::Sub": s })).toBe(s);
      }),
    );
  });

  it("Fn::Split of a value not known here is not known either: Fn::Select of it stays a placeholder", () => {
    // Before: split as text, `!Select [0, !Split ["-", !Ref AWS::StackName]]` was the whole stack name.
    const r = resolver();
    expect(r.resolve({ "Fn::Select": [0, { "Fn::Split": ["-", { Ref: "AWS::StackName" }] }] })).toBe("${Fn::Select:0}");
    expect(r.resolve({ "Fn::Select": [2, { "Fn::Split": ["/", { Ref: "AWS::StackId" }] }] })).toBe("${Fn::Select:2}");
    expect(r.resolve({ "Fn::Select": [1, { "Fn::Split": ["-", "a-b-c"] }] })).toBe("b");
  });

  it("Fn::Join(d, Fn::Split(d, s)) is s, and Fn::Select(i, list) is list[i]", () => {
    fc.assert(
      fc.property(delimiter, fc.string().filter((s) => !s.includes("${")), (d, s) => {
        expect(resolver().resolve({ "Fn::Join": [d, { "Fn::Split": [d, s] }] })).toBe(s);
      }),
    );
    fc.assert(
      fc.property(fc.array(plain, { minLength: 1 }), fc.nat(), (list, n) => {
        const i = n % list.length;
        expect(resolver().resolve({ "Fn::Select": [i, list] })).toBe(list[i]);
      }),
    );
  });

  it("Fn::Sub variables substitute exactly; ${!Literal} stays literal", () => {
    fc.assert(
      fc.property(fc.stringMatching(/^[A-Za-z][A-Za-z0-9]{0,8}$/), plain, plain, (name, value, around) => {
        expect(resolver().resolve({ "Fn::Sub": [`${around}\${${name}}${around}`, { [name]: value }] })).toBe(`${around}${value}${around}`);
        expect(resolver().resolve({ "Fn::Sub": `\${!${name}}` })).toBe(`\${${name}}`);
      }),
    );
  });

  it("Fn::If picks by the condition; AWS::NoValue removes list elements and properties", () => {
    fc.assert(
      fc.property(fc.boolean(), plain, plain, (cond, a, b) => {
        const r = resolver({ conditions: { C: cond } });
        expect(r.resolve({ "Fn::If": ["C", a, b] })).toBe(cond ? a : b);
        expect(r.resolve([a, { "Fn::If": ["C", { Ref: "AWS::NoValue" }, b] }])).toEqual(cond ? [a] : [a, b]);
        expect(r.resolve({ k: { Ref: "AWS::NoValue" }, j: a })).toEqual({ j: a });
      }),
    );
    expect(resolver().resolve({ Ref: "AWS::NoValue" })).toBe(NO_VALUE);
  });

  it("unknowns stay symbolic and readable", () => {
    const r = resolver({ resources: { Orders: { Type: "AWS::DynamoDB::Table", Properties: {} } } });
    expect(r.resolve({ "Fn::GetAtt": ["Orders", "Arn"] })).toBe("${Orders.Arn}");
    expect(r.resolve({ "Fn::Sub": "arn:${AWS::Partition}:dynamodb:${AWS::Region}:${AWS::AccountId}:table/${Orders}" })).toBe("arn:aws:dynamodb:${AWS::Region}:${AWS::AccountId}:table/${Orders}");
    expect(r.resolve({ "Fn::ImportValue": "shared-table" })).toBe("${ImportValue:shared-table}");
  });
});

describe("short-form YAML and long-form JSON are the same template", () => {
  const dir = "/work/shared/corpus/serverless-patterns-sam";
  const files = readdirSync(dir, { recursive: true, encoding: "utf8" }).filter((f) => /template\.ya?ml$/.test(f)).sort();

  it.each(files)("%s reads the same as YAML and as its JSON conversion (up to line numbers)", (f) => {
    const text = readFileSync(`${dir}/${f}`, "utf8");
    const asJson = JSON.stringify(parseYamlLocated(text, f).value, null, 1);
    const strip = (v: unknown): unknown => JSON.parse(JSON.stringify(v, (k, x) => (k === "line" || k === "sha256" ? null : k === "address" && typeof x === "string" && x.startsWith("Resources") ? null : x)));
    expect(strip(readCloudFormationTemplate(asJson, "t"))).toEqual(strip(readCloudFormationTemplate(text, "t")));
  });
});

/**
 * The AWS::LanguageExtensions functions (Fn::Length, Fn::ToJsonString, Fn::FindInMap's
 * DefaultValue) and Fn::GetStackOutput, as the CloudFormation Template Reference defines them,
 * read where they decide what a role grants.
 */
describe("AWS::LanguageExtensions functions and Fn::GetStackOutput", () => {
  const template = (statements: string, extra = ""): string => `AWSTemplateFormatVersion: "2010-09-09"
Transform: AWS::LanguageExtensions
Parameters:
  Env: {Type: String, Default: staging}
  Unset: {Type: String}
  Queues: {Type: CommaDelimitedList, Default: "a,b"}
Mappings:
  Tables:
    prod: {Name: orders-prod}
${extra}Resources:
  Role:
    Type: AWS::IAM::Role
    Properties:
      AssumeRolePolicyDocument: {Version: "2012-10-17", Statement: [{Effect: Allow, Principal: {Service: lambda.amazonaws.com}, Action: sts:AssumeRole}]}
      Policies:
        - PolicyName: p
          PolicyDocument:
            Version: "2012-10-17"
            Statement:
${statements}
`;
  const resources = (text: string): unknown[] => {
    const f = readCloudFormationTemplate(text, "t.yaml");
    return f.roles[0]!.inlinePolicies[0]!.document.Statement.map((s) => s.Resource);
  };

  it("Fn::FindInMap's DefaultValue is the value when the keys find no entry; with a key known only at deployment it stays a placeholder", () => {
    const text = template(`              - Effect: Allow
                Action: dynamodb:GetItem
                Resource: !Sub
                  - arn:aws:dynamodb:\${AWS::Region}:\${AWS::AccountId}:table/\${T}
                  - T: !FindInMap [Tables, !Ref Env, Name, {DefaultValue: orders-default}]
              - Effect: Allow
                Action: dynamodb:PutItem
                Resource: !Sub
                  - arn:aws:dynamodb:\${AWS::Region}:\${AWS::AccountId}:table/\${T}
                  - T: !FindInMap [Tables, prod, Name, {DefaultValue: orders-default}]
              - Effect: Allow
                Action: dynamodb:Query
                Resource: !Sub
                  - arn:aws:dynamodb:\${AWS::Region}:\${AWS::AccountId}:table/\${T}
                  - T: !FindInMap [Tables, !Ref Unset, Name, {DefaultValue: orders-default}]`);
    expect(resources(text)).toEqual([
      ["arn:aws:dynamodb:${AWS::Region}:${AWS::AccountId}:table/orders-default"],
      ["arn:aws:dynamodb:${AWS::Region}:${AWS::AccountId}:table/orders-prod"],
      ["arn:aws:dynamodb:${AWS::Region}:${AWS::AccountId}:table/${Tables.${Unset}.Name}"],
    ]);
  });

  it("Fn::Length counts a list (a CommaDelimitedList parameter's too) and decides a condition; Fn::ToJsonString writes compact JSON", () => {
    const r = resolver({ parameters: { Queues: ["a", "b"] } });
    expect(r.resolve({ "Fn::Length": { Ref: "Queues" } })).toBe(2);
    expect(r.resolve({ "Fn::Length": { "Fn::Split": ["|", "a|b|c"] } })).toBe(3);
    expect(r.resolve({ "Fn::ToJsonString": { a: "1", b: [{ Ref: "AWS::Partition" }] } })).toBe('{"a":"1","b":["aws"]}');
    const text = template(
      `              - !If
                - TwoQueues
                - {Effect: Allow, Action: sqs:SendMessage, Resource: arn:aws:sqs:us-east-1:111122223333:two}
                - {Effect: Allow, Action: sqs:SendMessage, Resource: arn:aws:sqs:us-east-1:111122223333:other}`,
      `Conditions:\n  TwoQueues: !Equals [{"Fn::Length": !Ref Queues}, 2]\n`,
    );
    const f = readCloudFormationTemplate(text, "t.yaml");
    expect(f.roles[0]!.inlinePolicies[0]!.document.Statement.map((s) => s.Resource)).toEqual([["arn:aws:sqs:us-east-1:111122223333:two"]]);
    expect(f.warnings.filter((w) => w.code === "cloudformation-undecided-condition")).toEqual([]);
  });

  it("!GetStackOutput (short form) is read, not refused as a preprocessor's tag; its value names the stack and the output", () => {
    const text = template(`              - Effect: Allow
                Action: sqs:SendMessage
                Resource: !GetStackOutput
                  StackName: producer-stack
                  OutputName: QueueArn`);
    expect(resources(text)).toEqual([["${GetStackOutput:producer-stack/QueueArn}"]]);
  });
});
