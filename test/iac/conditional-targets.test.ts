/**
 * A Lambda target chosen by `Fn::If` (a destination, a dead-letter queue, an event source): a
 * condition the template decides takes its branch; one it cannot decide is said at the property,
 * with both values, and the audit is partial (before: the first branch was required and granted
 * as if the stack always had it, with only the template-wide undecided-condition warning).
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { readCloudFormationTemplate } from "../../src/sources/cloudformation/index.js";

const dir = join(import.meta.dirname, "..", "fixtures", "conditional-targets");
const read = (file: string, options: Parameters<typeof readCloudFormationTemplate>[2] = {}) => readCloudFormationTemplate(readFileSync(join(dir, file)), file, options);
const conditional = (f: ReturnType<typeof read>) => f.warnings.filter((w) => w.code === "cloudformation-conditional-target");
const destinations = (f: ReturnType<typeof read>, name: string) => f.functions.find((fn) => fn.name === name)?.destinations;

describe("Lambda targets chosen by Fn::If", () => {
  for (const file of ["function_with_event_dest.yaml", "function_with_event_dest.json"]) {
    it(`${file}: the conditions the defaults decide take their branch, and nothing more is said`, () => {
      const f = read(file);
      expect(conditional(f)).toEqual([]);
      expect(f.partial).toBe(false);
      expect(destinations(f, "MyTestFunction")?.onFailure).toBe("arn:aws:sns:unknown:unknown:${MyTestFunctionEventInvokeConfigOnFailureTopic.TopicName}");
      const given = read(file, { parameters: { CreateSNSTopic: "false" } });
      expect(conditional(given)).toEqual([]);
      expect(destinations(given, "MyTestFunction")?.onFailure).toBe("SOME-SNS-ARN");
    });

    it(`${file}: undecided, each destination is said with both values, and the read is partial`, () => {
      const f = read(file, { unknownParameters: ["CreateSNSTopic", "UseExistingQueue"] });
      const w = conditional(f);
      expect(w.map((x) => x.path)).toEqual(
        file.endsWith(".yaml")
          ? ["Resources.MyTestFunction.Properties.EventInvokeConfig.DestinationConfig.OnFailure.Destination", "Resources.MyTestFunction.Properties.EventInvokeConfig.DestinationConfig.OnSuccess.Destination"]
          : ["Resources.MyTestFunctionEventInvokeConfig.Properties.DestinationConfig.OnFailure.Destination", "Resources.MyTestFunctionEventInvokeConfig.Properties.DestinationConfig.OnSuccess.Destination"],
      );
      const failure = w.find((x) => x.path?.includes("OnFailure"))?.message ?? "";
      expect(failure).toContain("depends on condition TopicCreationEnabled");
      expect(failure).toContain("arn:aws:sns:unknown:unknown:${MyTestFunctionEventInvokeConfigOnFailureTopic.TopicName} when it is true, SOME-SNS-ARN when it is false");
      expect(f.partial).toBe(true);
    });
  }

  it("a dead-letter config chosen whole by an undecided condition names its queue and none", () => {
    const t = `Parameters:
  Env: {Type: String}
Conditions:
  IsProd: !Equals [!Ref Env, prod]
Resources:
  Dlq: {Type: AWS::SQS::Queue}
  Fn:
    Type: AWS::Lambda::Function
    Properties:
      Role: arn:aws:iam::123456789012:role/fn
      Runtime: python3.12
      Handler: app.handler
      Code: {ZipFile: x}
      DeadLetterConfig: !If [IsProd, {TargetArn: !GetAtt Dlq.Arn}, !Ref AWS::NoValue]
`;
    const f = readCloudFormationTemplate(Buffer.from(t), "t.yaml");
    expect(conditional(f).map((w) => [w.path, w.message.split(". ")[0]])).toEqual([
      ["Resources.Fn.Properties.DeadLetterConfig", "the dead-letter queue depends on condition IsProd, which cannot be decided here: arn:aws:sqs:unknown:unknown:${Dlq.QueueName} when it is true, none when it is false"],
    ]);
    expect(f.partial).toBe(true);
  });
});
