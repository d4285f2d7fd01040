/**
 * Cloud assemblies the CDK wrote itself: the aws-cdk repository's integration-test snapshots
 * (test/fixtures/cdk-sweep/SOURCE.md), each folder read as `leastrole audit cdk.out` reads one.
 * The expected values are read off the templates with the CloudFormation resource reference and
 * the CDK's conventions (a function's role is its `ServiceRole`, `grant*` calls and event sources
 * add statements to the role's `DefaultPolicy`, the CDK's own handlers are functions with roles of
 * their own), never copied from leastrole's output.
 *
 * These snapshots are synthesised without `aws:cdk:path` metadata (the integ runner turns it off):
 * each resource's construct path is in the manifest's `aws:cdk:logicalId` metadata only, which is
 * where a finding must point a CDK user.
 */
import { readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { buildDocument } from "../../src/audit/build-document.js";
import { runGenerate } from "../../src/generate/index.js";
import type { CanonicalDocument, PolicyDocument } from "../../src/model/document.js";

const DIR = new URL("../fixtures/cdk-sweep/", import.meta.url).pathname;
const FOLDERS = readdirSync(DIR, { withFileTypes: true }).filter((d) => d.isDirectory()).map((d) => d.name).sort();
const BASIC = "arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole";

/** A policy's statements as [actions, resources]. */
const grants = (d: PolicyDocument) => d.Statement.map((s) => [s.Action ?? [], s.Resource ?? []]);
/** The role's name, without the account leastrole makes up for an environment-agnostic stack. */
const roleName = (arn: string | null) => arn?.replace(/^arn:aws:iam::[^:]*:role\//, "") ?? null;

interface ExpectedFunction {
  construct: string;
  role: string;
  /** [kind, event source] of each event source mapping. */
  triggers?: [string, string][];
  /** [principal service, SourceArn] of each statement of the function's resource policy. */
  invokers?: [string, string | null][];
}
interface ExpectedRole {
  construct: string;
  inline?: Record<string, unknown[]>;
  attached?: string[];
}
interface Expected {
  functions: Record<string, ExpectedFunction>;
  roles: Record<string, ExpectedRole>;
  /** [code, file] of every warning beyond the info notes on the manifests. */
  warnings?: [string, string][];
}

const EXPECTED: Record<string, Expected> = {
  // DynamoEventSource: the stream's read actions on the table's StreamArn, ListStreams on * (the CDK
  // grants it so), the mapping on the same stream.
  dynamodb: {
    functions: {
      "lambda-event-source-dynamodb-FC4345940": { construct: "lambda-event-source-dynamodb/F/Resource", role: "lambda-event-source-dynamodb-FServiceRole3AC82EE1", triggers: [["dynamodb", "${TD925BC7E.StreamArn}"]] },
    },
    roles: {
      "lambda-event-source-dynamodb-FServiceRole3AC82EE1": {
        construct: "lambda-event-source-dynamodb/F/ServiceRole/Resource",
        inline: { FServiceRoleDefaultPolicy17A19BFA: [[["dynamodb:ListStreams"], ["*"]], [["dynamodb:DescribeStream", "dynamodb:GetRecords", "dynamodb:GetShardIterator"], ["${TD925BC7E.StreamArn}"]]] },
        attached: [BASIC],
      },
    },
  },
  // SqsEventSource: the consume actions on the queue (a queue's Arn attribute, known once deployed).
  sqs: {
    functions: { "lambda-event-source-sqs-FC4345940": { construct: "lambda-event-source-sqs/F/Resource", role: "lambda-event-source-sqs-FServiceRole3AC82EE1", triggers: [["sqs", "${Q63C6E3AB.Arn}"]] } },
    roles: {
      "lambda-event-source-sqs-FServiceRole3AC82EE1": {
        construct: "lambda-event-source-sqs/F/ServiceRole/Resource",
        inline: { FServiceRoleDefaultPolicy17A19BFA: [[["sqs:ChangeMessageVisibility", "sqs:DeleteMessage", "sqs:GetQueueAttributes", "sqs:GetQueueUrl", "sqs:ReceiveMessage"], ["${Q63C6E3AB.Arn}"]]] },
        attached: [BASIC],
      },
    },
  },
  // SnsEventSource: no mapping (SNS pushes); the topic may invoke the function (Ref of a topic is its ARN).
  sns: {
    functions: { "lambda-event-source-sns-FC4345940": { construct: "lambda-event-source-sns/F/Resource", role: "lambda-event-source-sns-FServiceRole3AC82EE1", invokers: [["sns.amazonaws.com", "${TD925BC7E}"]] } },
    roles: { "lambda-event-source-sns-FServiceRole3AC82EE1": { construct: "lambda-event-source-sns/F/ServiceRole/Resource", attached: [BASIC] } },
  },
  // KinesisEventSource with an SQS on-failure destination: the role sends to the queue and reads the stream.
  "kinesis-with-dlq": {
    functions: {
      "lambda-event-source-kinesis-with-dlq-FC4345940": { construct: "lambda-event-source-kinesis-with-dlq/F/Resource", role: "lambda-event-source-kinesis-with-dlq-FServiceRole3AC82EE1", triggers: [["kinesis", "${S509448A1.Arn}"]] },
    },
    roles: {
      "lambda-event-source-kinesis-with-dlq-FServiceRole3AC82EE1": {
        construct: "lambda-event-source-kinesis-with-dlq/F/ServiceRole/Resource",
        inline: {
          FServiceRoleDefaultPolicy17A19BFA: [
            [["sqs:GetQueueAttributes", "sqs:GetQueueUrl", "sqs:SendMessage"], ["${Q63C6E3AB.Arn}"]],
            [["kinesis:DescribeStream", "kinesis:DescribeStreamConsumer", "kinesis:DescribeStreamSummary", "kinesis:GetRecords", "kinesis:GetShardIterator", "kinesis:ListShards", "kinesis:ListStreams", "kinesis:SubscribeToShard"], ["${S509448A1.Arn}"]],
          ],
        },
        attached: [BASIC],
      },
    },
  },
  // S3EventSource: S3 may invoke the function from the bucket in this account; the notification is
  // set by the CDK's BucketNotificationsHandler (its own role, PutBucketNotification on the bucket),
  // and autoDeleteObjects adds the CustomResourceProvider's handler (its S3 rights are in the bucket
  // policy, not on its role). Names over 64 characters are cut as docs/iac.md says.
  s3: {
    functions: {
      "lambda-event-source-s3-FC4345940": {
        construct: "lambda-event-source-s3/F/Resource",
        role: "lambda-event-source-s3-FServiceRole3AC82EE1",
        invokers: [["s3.amazonaws.com", "arn:aws:s3:::${B08E7C7AF}"]],
      },
      "BucketNotificationsHandler050a0587b7544547bf325f094a3db-e0cad661": {
        construct: "lambda-event-source-s3/BucketNotificationsHandler050a0587b7544547bf325f094a3db834/Resource",
        role: "BucketNotificationsHandler050a0587b7544547bf325f094a3db-e0cad661",
      },
      "CustomS3AutoDeleteObjectsCustomResourceProviderHandler9-e0cad661": {
        construct: "lambda-event-source-s3/Custom::S3AutoDeleteObjectsCustomResourceProvider/Handler",
        role: "CustomS3AutoDeleteObjectsCustomResourceProviderRole3B1B-e0cad661",
      },
    },
    roles: {
      "lambda-event-source-s3-FServiceRole3AC82EE1": { construct: "lambda-event-source-s3/F/ServiceRole/Resource", attached: [BASIC] },
      "BucketNotificationsHandler050a0587b7544547bf325f094a3db-e0cad661": {
        construct: "lambda-event-source-s3/BucketNotificationsHandler050a0587b7544547bf325f094a3db834/Role/Resource",
        inline: { BNotificationsHandlerPolicy9B2034D5: [[["s3:PutBucketNotification"], ["arn:aws:s3:::${B08E7C7AF}"]]] },
        attached: [BASIC],
      },
      "CustomS3AutoDeleteObjectsCustomResourceProviderRole3B1B-e0cad661": {
        construct: "lambda-event-source-s3/Custom::S3AutoDeleteObjectsCustomResourceProvider/Role",
        attached: [BASIC],
      },
    },
  },
  // Four function URLs: the NONE ones may be called by anyone (InvokeFunctionUrl with the auth type
  // condition); the AWS_IAM one has no resource policy (callers need IAM permission).
  "function-url": {
    functions: Object.fromEntries(
      [
        ["IamAuthFunctionUrls609024A0", "IamAuthFunctionUrls", "IamAuthFunctionUrlsServiceRole35DF9DE0", false],
        ["NoAuthFunctionUrls65ABC157", "NoAuthFunctionUrls", "NoAuthFunctionUrlsServiceRole7247E6F2", true],
        ["CorsFunctionUrlsD81CF424", "CorsFunctionUrls", "CorsFunctionUrlsServiceRole6227B597", true],
        ["StreamFunctionUrlsAAB55C9C", "StreamFunctionUrls", "StreamFunctionUrlsServiceRoleAF76EC5D", true],
      ].map(([id, path, role, open]) => [`Stack1-${id}`, { construct: `Stack1/${path}/Resource`, role: `Stack1-${role}`, ...(open ? { invokers: [["*", null]] } : {}) }]),
    ) as Record<string, ExpectedFunction>,
    roles: Object.fromEntries(
      [
        ["IamAuthFunctionUrlsServiceRole35DF9DE0", "IamAuthFunctionUrls"],
        ["NoAuthFunctionUrlsServiceRole7247E6F2", "NoAuthFunctionUrls"],
        ["CorsFunctionUrlsServiceRole6227B597", "CorsFunctionUrls"],
        ["StreamFunctionUrlsServiceRoleAF76EC5D", "StreamFunctionUrls"],
      ].map(([id, path]) => [`Stack1-${id}`, { construct: `Stack1/${path}/ServiceRole/Resource`, attached: [BASIC] }]),
    ),
  },
  // AwsCustomResource: the singleton function AWS679f53fac002430cb0da5b7982bd2287 and its role, on
  // which the custom resource's policy (ssm:GetParameter, from the SDK call) is put. The parameter's
  // name comes from the other stack's export; the CDK granted on *.
  "aws-custom-resource-ssm-cross-stack": {
    functions: {
      "GetParameterStack-AWS679f53fac002430cb0da5b7982bd22872D164C4C": {
        construct: "GetParameterStack/AWS679f53fac002430cb0da5b7982bd2287/Resource",
        role: "AWS679f53fac002430cb0da5b7982bd2287ServiceRoleC1EA0FF2-75cf490e",
      },
    },
    roles: {
      "AWS679f53fac002430cb0da5b7982bd2287ServiceRoleC1EA0FF2-75cf490e": {
        construct: "GetParameterStack/AWS679f53fac002430cb0da5b7982bd2287/ServiceRole/Resource",
        inline: { GetParameterCustomResourcePolicyD8E5D455: [[["ssm:GetParameter"], ["*"]]] },
        attached: [BASIC],
      },
    },
  },
  // Provider framework: the user's onEvent handler, the framework's onEvent function (invokes the
  // handler, any version; GetFunction on it) and the LogRetention singleton the framework's log
  // retention adds (Put/DeleteRetentionPolicy on *).
  "provider-no-echo": {
    functions: {
      "integ-provider-no-echo-myhandler42A6C3AB": { construct: "integ-provider-no-echo/my-handler/Resource", role: "integ-provider-no-echo-myhandlerServiceRole284F0B3E" },
      "integ-provider-no-echo-myproviderframeworkonEvent97E4361B": {
        construct: "integ-provider-no-echo/my-provider/framework-onEvent/Resource",
        role: "integ-pro-myproviderframeworkonEventServiceRole793AEC4D-0b0e3a29",
      },
      "in-LogRetentionaae0aa3c5b4d4f87b02d85b201efdd8aFD4BFC8A-0b0e3a29": {
        construct: "integ-provider-no-echo/LogRetentionaae0aa3c5b4d4f87b02d85b201efdd8a/Resource",
        role: "LogRetentionaae0aa3c5b4d4f87b02d85b201efdd8aServiceRole-0b0e3a29",
      },
    },
    roles: {
      "integ-provider-no-echo-myhandlerServiceRole284F0B3E": { construct: "integ-provider-no-echo/my-handler/ServiceRole/Resource", attached: [BASIC] },
      "integ-pro-myproviderframeworkonEventServiceRole793AEC4D-0b0e3a29": {
        construct: "integ-provider-no-echo/my-provider/framework-onEvent/ServiceRole/Resource",
        inline: {
          myproviderframeworkonEventServiceRoleDefaultPolicy5C6BFF87: [
            [
              ["lambda:InvokeFunction"],
              ["arn:aws:lambda:unknown:unknown:function:integ-provider-no-echo-myhandler42A6C3AB", "arn:aws:lambda:unknown:unknown:function:integ-provider-no-echo-myhandler42A6C3AB:*"],
            ],
          ],
          myproviderframeworkonEventinlinePolicyAddedToExecutionRole04C8892C5: [[["lambda:GetFunction"], ["arn:aws:lambda:unknown:unknown:function:integ-provider-no-echo-myhandler42A6C3AB"]]],
        },
        attached: [BASIC],
      },
      "LogRetentionaae0aa3c5b4d4f87b02d85b201efdd8aServiceRole-0b0e3a29": {
        construct: "integ-provider-no-echo/LogRetentionaae0aa3c5b4d4f87b02d85b201efdd8a/ServiceRole/Resource",
        inline: { LogRetentionaae0aa3c5b4d4f87b02d85b201efdd8aServiceRoleDefaultPolicyADDA7DEB: [[["logs:DeleteRetentionPolicy", "logs:PutRetentionPolicy"], ["*"]]] },
        attached: [BASIC],
      },
    },
  },
  // Three rules target one function: EventBridge may invoke it from each (the third's dead-letter
  // queue is written to by EventBridge, through the queue's policy, not by the function's role).
  "events-targets-lambda": {
    functions: {
      "lambda-events-MyFunc8A243A2C": {
        construct: "lambda-events/MyFunc/Resource",
        role: "lambda-events-MyFuncServiceRole54065130",
        invokers: [
          ["events.amazonaws.com", "${Timer2B6F162E9.Arn}"],
          ["events.amazonaws.com", "${Timer30894E3BB.Arn}"],
          ["events.amazonaws.com", "${TimerBF6F831F.Arn}"],
        ],
      },
    },
    roles: { "lambda-events-MyFuncServiceRole54065130": { construct: "lambda-events/MyFunc/ServiceRole/Resource", attached: [BASIC] } },
  },
  // An HTTP API's Lambda proxy integration: API Gateway may invoke the function from any stage and
  // route of this API. The manifest also names a permission a change destroyed (a key that is no path).
  "http-api-lambda-proxy": {
    functions: {
      "integ-lambda-proxy-AlwaysSuccess099EAB05": {
        construct: "integ-lambda-proxy/AlwaysSuccess/Resource",
        role: "integ-lambda-proxy-AlwaysSuccessServiceRole6DB8C2F6",
        invokers: [["apigateway.amazonaws.com", "arn:aws:execute-api:${AWS::Region}:${AWS::AccountId}:${LambdaProxyApi67594471}/*/*"]],
      },
    },
    roles: { "integ-lambda-proxy-AlwaysSuccessServiceRole6DB8C2F6": { construct: "integ-lambda-proxy/AlwaysSuccess/ServiceRole/Resource", attached: [BASIC] } },
  },
  // A state machine invoking two functions (LambdaInvoke): the state machine's role is read, with
  // InvokeFunction on both and their versions; it is not a function's role. Schema 53: the construct
  // paths are in aws-stepfunctions-integ.metadata.json, which the manifest names.
  "stepfunctions-invoke-function": {
    functions: {
      "aws-stepfunctions-integ-Handler886CB40B": { construct: "aws-stepfunctions-integ/Handler/Resource", role: "aws-stepfunctions-integ-HandlerServiceRoleFCDC14AE" },
      "aws-stepfunctions-integ-CallbackHandler4434C38D": { construct: "aws-stepfunctions-integ/CallbackHandler/Resource", role: "aws-stepfunctions-integ-CallbackHandlerServiceRole3689695E" },
    },
    roles: {
      "aws-stepfunctions-integ-HandlerServiceRoleFCDC14AE": { construct: "aws-stepfunctions-integ/Handler/ServiceRole/Resource", attached: [BASIC] },
      "aws-stepfunctions-integ-CallbackHandlerServiceRole3689695E": { construct: "aws-stepfunctions-integ/CallbackHandler/ServiceRole/Resource", attached: [BASIC] },
      "aws-stepfunctions-integ-StateMachineRoleB840431D": {
        construct: "aws-stepfunctions-integ/StateMachine/Role/Resource",
        inline: {
          StateMachineRoleDefaultPolicyDF1E6607: [
            [
              ["lambda:InvokeFunction"],
              ["CallbackHandler4434C38D", "Handler886CB40B", "CallbackHandler4434C38D:*", "Handler886CB40B:*"].map((f) => `arn:aws:lambda:unknown:unknown:function:aws-stepfunctions-integ-${f}`),
            ],
          ],
        },
      },
    },
    // The state machine is said to be no Lambda resource (info), as for any template.
    warnings: [],
  },
  // A NestedStack's function: its template is found through the parent's asset manifest (no
  // aws:asset:path here), its construct path under the nested stack's (`Nested/Handler`).
  "nested-stacks-assets": {
    functions: {
      "nested-stacks-assets-NestedNestedStackN-Handler886CB40B-e95073a0": { construct: "nested-stacks-assets/Nested/Handler/Resource", role: "nested-stacks-assets-NestedN-HandlerServiceRoleFCDC14AE-e95073a0" },
    },
    roles: { "nested-stacks-assets-NestedN-HandlerServiceRoleFCDC14AE-e95073a0": { construct: "nested-stacks-assets/Nested/Handler/ServiceRole/Resource", attached: [BASIC] } },
  },
};

const documents = new Map<string, Promise<CanonicalDocument>>();
const read = (folder: string) => {
  if (!documents.has(folder)) documents.set(folder, buildDocument([join(DIR, folder)], { workers: 1 }));
  return documents.get(folder) as Promise<CanonicalDocument>;
};

describe("CDK cloud assemblies the CDK wrote (aws-cdk integration snapshots)", () => {
  it("holds 12+ assemblies, each with a SOURCE entry and an expected reading", () => {
    expect(FOLDERS.length).toBeGreaterThanOrEqual(12);
    const source = readFileSync(join(DIR, "SOURCE.md"), "utf8");
    for (const f of FOLDERS) {
      expect(source, f).toContain(`\`${f}/\``);
      expect(EXPECTED[f], f).toBeDefined();
    }
  });

  it.each(Object.keys(EXPECTED))("%s: each function with its construct, role, triggers and invokers", async (folder) => {
    const e = EXPECTED[folder] as Expected;
    const doc = await read(folder);
    const got = Object.fromEntries(
      doc.functions.map((fn) => {
        const out: ExpectedFunction = { construct: fn.source?.construct ?? "(none)", role: roleName(fn.roleArn) ?? "(none)" };
        if (fn.triggers.length > 0) out.triggers = fn.triggers.map((t) => [t.kind, t.eventSourceArn ?? "(none)"]);
        const statements = fn.resourcePolicy?.Statement ?? [];
        if (statements.length > 0) {
          out.invokers = statements.map((s) => {
            const p = s.Principal;
            const who = p === "*" ? "*" : typeof p === "object" && p !== null && "Service" in p ? String((p.Service as string[])[0]) : JSON.stringify(p);
            const arn = s.Condition?.ArnLike?.["AWS:SourceArn"] ?? s.Condition?.ArnEquals?.["AWS:SourceArn"];
            return [who, Array.isArray(arn) ? String(arn[0]) : null];
          });
        }
        return [fn.name, out];
      }),
    );
    expect(got).toEqual(e.functions);
  });

  it.each(Object.keys(EXPECTED))("%s: each role with its construct and every policy on it", async (folder) => {
    const e = EXPECTED[folder] as Expected;
    const doc = await read(folder);
    const got = Object.fromEntries(
      doc.roles.map((r) => {
        const out: ExpectedRole = { construct: r.source?.construct ?? "(none)" };
        if (r.inlinePolicies.length > 0) out.inline = Object.fromEntries(r.inlinePolicies.map((p) => [p.name, grants(p.document)]));
        if (r.attachedPolicies.length > 0) out.attached = r.attachedPolicies.map((a) => a.arn);
        return [roleName(r.arn) as string, out];
      }),
    );
    expect(got).toEqual(e.roles);
  });

  it.each(Object.keys(EXPECTED))("%s: no warning but the notes on the manifests, and not partial", async (folder) => {
    const doc = await read(folder);
    const warnings = doc.meta.warnings.filter((w) => w.code !== "input-not-used").map((w) => [w.code, w.file?.replace(DIR, "")]);
    expect(warnings).toEqual(EXPECTED[folder]?.warnings ?? []);
    expect(doc.meta.partial).toBe(false);
  });
});

describe("what a CDK user is told about these assemblies", () => {
  it("generate --format cloudformation names the construct that makes each role, to change in the app (cdk synth rewrites the template)", async () => {
    const out = runGenerate(await read("provider-no-echo"), { format: "cloudformation" }).output;
    const said = out.split("\n").filter((l) => l.startsWith("#   CDK:")).map((l) => /construct ([^\s;,]+)[;,]/.exec(l)?.[1]);
    // Sorted by role name: the framework's onEvent role, the LogRetention singleton's, the user's handler's.
    expect(said.sort()).toEqual([
      "integ-provider-no-echo/LogRetentionaae0aa3c5b4d4f87b02d85b201efdd8a/ServiceRole",
      "integ-provider-no-echo/my-handler/ServiceRole",
      "integ-provider-no-echo/my-provider/framework-onEvent/ServiceRole",
    ]);
    expect(out).toContain("#   CDK: the role is the construct integ-provider-no-echo/my-handler/ServiceRole; cdk synth rewrites this template, so change the role there in the app");
    // The LogRetention singleton is the CDK's, not declared in the app: changed through the props
    // of what uses it (a Function's logRetentionRole), never a role: prop of its own.
    expect(out).toContain("#   CDK: the role is the construct integ-provider-no-echo/LogRetentionaae0aa3c5b4d4f87b02d85b201efdd8a/ServiceRole, a handler the CDK adds for the constructs that use it");
    expect(out).toContain("#   CDK: the role is the construct integ-provider-no-echo/my-provider/framework-onEvent/ServiceRole; cdk synth");
  });

  it("audit's findings on a statement point at the construct that adds it (the role's DefaultPolicy, an AwsCustomResource's policy), on the statement's line", async () => {
    const { auditDocument } = await import("../../src/index.js");
    const at = async (folder: string) => auditDocument(await read(folder)).findings.map((f) => [f.ruleId, f.location?.construct, f.location?.address, f.location?.line]);
    // LogRetention's Put/DeleteRetentionPolicy on *, in the AWS::IAM::Policy the CDK writes for
    // the role's grants; its Statement[0] opens on line 253. Before: the role, line 217.
    expect(await at("provider-no-echo")).toEqual([
      ["LR003", "integ-provider-no-echo/LogRetentionaae0aa3c5b4d4f87b02d85b201efdd8a/ServiceRole/DefaultPolicy/Resource", "LogRetentionaae0aa3c5b4d4f87b02d85b201efdd8aServiceRoleDefaultPolicyADDA7DEB", 253],
    ]);
    // The AwsCustomResource GetParameter's policy (ANY_RESOURCE) on the handler role all of the
    // stack's AwsCustomResources share: the construct to change is GetParameter, not the role.
    expect(await at("aws-custom-resource-ssm-cross-stack")).toEqual([["LR003", "GetParameterStack/GetParameter/CustomResourcePolicy/Resource", "GetParameterCustomResourcePolicyD8E5D455", 54]]);
  });

  it("a warning on a resource of the app names its construct: a nested stack not read, a state machine not audited", async () => {
    // The parent template alone: its nested stack's template is not among the inputs.
    const alone = await buildDocument([join(DIR, "nested-stacks-assets", "nested-stacks-assets.template.json")], { workers: 1 });
    const nested = alone.meta.warnings.filter((w) => w.code === "cloudformation-nested-stack");
    expect(nested.map((w) => [w.path, w.file?.replace(DIR, "")])).toEqual([["Resources.NestedNestedStackNestedNestedStackResourceDEFDAA4D", "nested-stacks-assets/nested-stacks-assets.template.json"]]);
    expect(nested[0]?.message).toMatch(/\(CDK construct nested-stacks-assets\/Nested\.NestedStack\/Nested\.NestedStackResource\)$/);
    expect(alone.meta.partial).toBe(true);
    const sfn = (await read("stepfunctions-invoke-function")).meta.warnings.filter((w) => w.path === "Resources.StateMachine2E01A3A5");
    expect(sfn.map((w) => [w.code, w.severity, /\(CDK construct ([^)]+)\)$/.exec(w.message)?.[1]])).toEqual([["input-not-used", "info", "aws-stepfunctions-integ/StateMachine"]]);
  });
});
