/**
 * A Serverless Framework template without serverless-state.json beside it: the region the
 * framework wrote into it as text (1.x: the role's `Fn::Join` name holds the region, and
 * the ServiceEndpoint output the API's regional host). Before, the region was unknown.
 */
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { serverlessStateOptions } from "../../src/sources/cloudformation/index.js";

const template = join(import.meta.dirname, "..", "fixtures", "serverless-v1-template", ".serverless", "cloudformation-template-update-stack.json");

describe("a Serverless Framework template without its state file", () => {
  it("takes the region the template writes", () => {
    const options = serverlessStateOptions([template]);
    expect(options.get(template)?.options).toEqual({ region: "us-east-1" });
  });

  it("gives nothing for a template that is not the framework's", () => {
    expect(serverlessStateOptions([join(import.meta.dirname, "..", "fixtures", "conditional-targets", "function_with_event_dest.json")]).size).toBe(0);
  });
});
