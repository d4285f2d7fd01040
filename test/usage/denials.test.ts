/**
 * Refused calls read by their errorMessage (src/usage/denials.ts), as CloudTrail writes them: a
 * call KMS refused is an authorised call of the service's action and a refused call of the KMS
 * action, on the key the message names; a refused call without a resource gets the one its
 * message names. The WebAssembly scanner, the JavaScript scanner and the full parser agree.
 */
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { readUsage } from "../../src/usage/index.js";
import { deniedResourceOf, mergeRefusalReasons, refusalOf, refusalReasons, refusingPolicyOf } from "../../src/usage/denials.js";
import type { ActionUsage } from "../../src/model/usage.js";
import { denialRecords, EXPORT_OBJECT, getObjectDenied, LINKED_ROLE, PASSED_ROLE, putItemDenied, QUEUE_KEY, SECRET, SECRET_KEY, secretRefusedByKms, SESSION_ARN, TABLE, TASK_ROLE } from "../support/denial-records.js";

function write(records: object[], jsonLines = false): string {
  const dir = mkdtempSync(join(tmpdir(), "leastrole-denials-"));
  const path = join(dir, jsonLines ? "records.jsonl" : "111122223333_CloudTrail_us-east-1_20261005T0800Z_denials.json");
  writeFileSync(path, jsonLines ? records.map((r) => JSON.stringify(r)).join("\n") : JSON.stringify({ Records: records }));
  return path;
}

function actionsOf(sessions: { actions: ActionUsage[] }[]): { [action: string]: ActionUsage } {
  return Object.fromEntries((sessions[0]?.actions ?? []).map((a) => [a.action, a]));
}

describe("refused calls, read by their message", () => {
  it("counts a call KMS refused as an authorised call of the service action and a refused KMS call on the key, in every reader", async () => {
    const path = write(denialRecords());
    const wasm = await readUsage([path], { workers: 1 });
    for (const other of [await readUsage([path], { workers: 1, fastScan: "js" }), await readUsage([path], { workers: 1, fastScan: false }), await readUsage([write(denialRecords(), true)], { workers: 1 })]) {
      expect(other.sessions).toEqual(wasm.sessions);
    }
    expect(wasm.sessions.length).toBe(1);
    // The duplicate delivery of the first record is one duplicate, its KMS half included.
    expect(wasm.coverage.duplicatesRemoved).toBe(1);
    const a = actionsOf(wasm.sessions);

    // Secrets Manager: GetSecretValue was authorised (3 calls, one a success); kms:Decrypt was refused.
    expect(a["secretsmanager:GetSecretValue"]).toMatchObject({ count: 3, deniedCount: 0, resources: [SECRET], errorCodes: { "AccessDeniedException (refused by KMS)": 2 } });
    expect(a["secretsmanager:GetSecretValue"]?.authorized).toBeUndefined();
    // Two Secrets Manager refusals and Parameter Store's (Decrypt: reads); the key where named.
    expect(a["kms:Decrypt"]).toMatchObject({ count: 3, deniedCount: 3, resources: [SECRET_KEY], errorCodes: { AccessDeniedException: 3 } });
    expect(a["kms:Decrypt"]?.authorized).toEqual({ resources: [], resourcesTruncated: false, resourcePrefix: null });
    expect(a["ssm:GetParameter"]).toMatchObject({ count: 1, deniedCount: 0, errorCodes: { "AccessDeniedException (refused by KMS)": 1 } });

    // SQS: KMS.AccessDeniedException, the message names kms:GenerateDataKey and the queue's key.
    expect(a["sqs:SendMessage"]).toMatchObject({ count: 1, deniedCount: 0, resources: [`arn:aws:sqs:us-east-1:111122223333:orders-queue`], errorCodes: { "KMS.AccessDeniedException (refused by KMS)": 1 } });
    expect(a["kms:GenerateDataKey"]).toMatchObject({ count: 1, deniedCount: 1, resources: [QUEUE_KEY], errorCodes: { "KMS.AccessDeniedException": 1 } });

    // Lambda: the invoked function's environment was not decrypted; the caller's Invoke was authorised, no KMS call of its own.
    expect(a["lambda:InvokeFunction"]).toMatchObject({ count: 1, deniedCount: 0, errorCodes: { "KMSAccessDeniedException (refused by KMS)": 1 } });

    // A plain refusal with requestParameters null: the table from the message.
    expect(a["dynamodb:PutItem"]).toMatchObject({ count: 1, deniedCount: 1, resources: [TABLE], errorCodes: { AccessDeniedException: 1 } });
    expect(a["dynamodb:PutItem"]?.authorized?.resources).toEqual([]);
    // "Access Denied" names nothing, and a malformed ARN after "on resource:" is not taken: no resource, as before.
    expect(a["s3:GetObject"]).toMatchObject({ count: 1, deniedCount: 1, resources: [], errorCodes: { AccessDenied: 1 } });
    expect(a["sns:Publish"]).toMatchObject({ count: 1, deniedCount: 1, resources: [], errorCodes: { AuthorizationError: 1 } });
    // CreateFunction refused iam:PassRole on a role: an authorised CreateFunction (the role is not
    // its resource), and a refused iam:PassRole on the role; RunTask's likewise, and a first
    // CreateCluster's iam:CreateServiceLinkedRole on the service-linked role.
    expect(a["lambda:CreateFunction"]).toMatchObject({ count: 1, deniedCount: 0, resources: [], errorCodes: { "AccessDeniedException (refused iam:PassRole)": 1 } });
    expect(a["lambda:CreateFunction"]?.authorized).toBeUndefined();
    expect(a["ecs:RunTask"]).toMatchObject({ count: 1, deniedCount: 0, errorCodes: { "AccessDeniedException (refused iam:PassRole)": 1 } });
    expect(a["iam:PassRole"]).toMatchObject({ count: 2, deniedCount: 2, resources: [PASSED_ROLE, TASK_ROLE], errorCodes: { AccessDeniedException: 2 } });
    expect(a["iam:PassRole"]?.authorized).toEqual({ resources: [], resourcesTruncated: false, resourcePrefix: null });
    expect(a["ecs:CreateCluster"]).toMatchObject({ count: 1, deniedCount: 0, errorCodes: { "AccessDeniedException (refused iam:CreateServiceLinkedRole)": 1 } });
    expect(a["iam:CreateServiceLinkedRole"]).toMatchObject({ count: 1, deniedCount: 1, resources: [LINKED_ROLE] });
    // A third service's action named (Athena checking Glue): left a refusal of the call, no resource from the message.
    expect(a["athena:StartQueryExecution"]).toMatchObject({ count: 1, deniedCount: 1, resources: [], errorCodes: { AccessDeniedException: 1 } });
    // Which policy type refused, as the messages say (none named: no deniedBy): on the refused
    // half for a dependent refusal, never on the service's authorised call.
    const noAllow = (policy: string) => [{ policy, kind: "no-allow" }];
    expect(a["kms:Decrypt"]?.deniedBy).toEqual(noAllow("identity-based policy"));
    expect(a["kms:GenerateDataKey"]?.deniedBy).toEqual([{ policy: "identity-based policy", kind: "explicit-deny" }]);
    expect(a["iam:PassRole"]?.deniedBy).toEqual(noAllow("identity-based policy"));
    expect(a["dynamodb:PutItem"]?.deniedBy).toEqual(noAllow("identity-based policy"));
    expect(a["s3:PutObject"]).toMatchObject({ count: 1, deniedCount: 1, resources: ["arn:aws:s3:::exports", EXPORT_OBJECT], deniedBy: [{ policy: "service control policy", kind: "explicit-deny" }] });
    for (const k of ["secretsmanager:GetSecretValue", "sqs:SendMessage", "lambda:CreateFunction", "s3:GetObject", "sns:Publish", "iam:CreateServiceLinkedRole"]) expect(a[k]?.deniedBy, k).toBeUndefined();
    expect(Object.keys(a).sort()).toEqual([
      "athena:StartQueryExecution",
      "dynamodb:PutItem",
      "ecs:CreateCluster",
      "ecs:RunTask",
      "iam:CreateServiceLinkedRole",
      "iam:PassRole",
      "kms:Decrypt",
      "kms:GenerateDataKey",
      "lambda:CreateFunction",
      "lambda:InvokeFunction",
      "s3:GetObject",
      "s3:PutObject",
      "secretsmanager:GetSecretValue",
      "sns:Publish",
      "sqs:SendMessage",
      "ssm:GetParameter",
    ]);
  });

  it("reads the message only of a refusal: the same text on a success or another error changes nothing", async () => {
    const withMessage = (rec: object, errorCode: string | null): object => {
      const r = { ...(rec as { [k: string]: unknown }) };
      if (errorCode === null) delete r.errorCode;
      else r.errorCode = errorCode;
      return r;
    };
    const usage = await readUsage([write([withMessage(secretRefusedByKms(1), null), withMessage(putItemDenied(2), "ThrottlingException")])], { workers: 1 });
    const a = actionsOf(usage.sessions);
    expect(Object.keys(a).sort()).toEqual(["dynamodb:PutItem", "secretsmanager:GetSecretValue"]);
    expect(a["secretsmanager:GetSecretValue"]).toMatchObject({ deniedCount: 0, errorCodes: {} });
    expect(a["dynamodb:PutItem"]).toMatchObject({ deniedCount: 0, resources: [], errorCodes: { ThrottlingException: 1 } });
  });

  it("a message with no ARN leaves the call without a resource", async () => {
    const a = actionsOf((await readUsage([write([getObjectDenied(1)])], { workers: 1 })).sessions);
    expect(a["s3:GetObject"]).toMatchObject({ deniedCount: 1, resources: [] });
  });
});

describe("denials.ts", () => {
  it("takes only a well-formed ARN right after 'on resource: ', refused for an action of the call's own service", () => {
    const ddb = "dynamodb.amazonaws.com";
    expect(deniedResourceOf(ddb, `User: ${SESSION_ARN} is not authorized to perform: dynamodb:PutItem on resource: ${TABLE} because no identity-based policy allows the dynamodb:PutItem action`)).toBe(TABLE);
    expect(deniedResourceOf("sqs.amazonaws.com", `User: ${SESSION_ARN} is not authorized to perform: sqs:SendMessage on resource: arn:aws:sqs:us-east-1:111122223333:q with an explicit deny in a service control policy`)).toBe("arn:aws:sqs:us-east-1:111122223333:q");
    expect(deniedResourceOf("s3.amazonaws.com", "User: x is not authorized to perform: s3:GetObject on resource: arn:aws:s3:::bucket/key.")).toBe("arn:aws:s3:::bucket/key");
    // SNS writes its prefix in capitals.
    expect(deniedResourceOf("sns.amazonaws.com", "User: x is not authorized to perform: SNS:Publish on resource: arn:aws:sns:us-east-1:111122223333:t because no identity-based policy allows the SNS:Publish action")).toBe("arn:aws:sns:us-east-1:111122223333:t");
    // Another service's action (CreateFunction refused iam:PassRole): not the call's resource.
    expect(deniedResourceOf("lambda.amazonaws.com", `User: ${SESSION_ARN} is not authorized to perform: iam:PassRole on resource: arn:aws:iam::111122223333:role/other`)).toBeNull();
    expect(deniedResourceOf("s3.amazonaws.com", `User: ${SESSION_ARN} is not authorized to perform: s3:ListAllMyBuckets`)).toBeNull();
    expect(deniedResourceOf("sns.amazonaws.com", "User: x is not authorized to perform: SNS:Publish on resource: arn:aws:sns because")).toBeNull();
    expect(deniedResourceOf(ddb, "User: x is not authorized to perform: dynamodb:PutItem on resource: not-an-arn")).toBeNull();
    expect(deniedResourceOf(ddb, "on resource: arn:aws:dynamodb:us-east-1:111122223333:table/t")).toBeNull();
    expect(deniedResourceOf(ddb, null)).toBeNull();
    // S3's enhanced messages quote the ARN (troubleshoot-403-errors: `… on "resource-arn" because …`).
    expect(deniedResourceOf("s3.amazonaws.com", `User: ${SESSION_ARN} is not authorized to perform: s3:GetObject on resource: "arn:aws:s3:::my-prod-bucket/config.json" because no identity-based policy allows the s3:GetObject action`)).toBe("arn:aws:s3:::my-prod-bucket/config.json");
    expect(deniedResourceOf("s3.amazonaws.com", `User: ${SESSION_ARN} is not authorized to perform: s3:ListBucket on "arn:aws:s3:::my-prod-bucket" with an explicit deny in a resource-based policy`)).toBe("arn:aws:s3:::my-prod-bucket");
    expect(deniedResourceOf("s3.amazonaws.com", `User: ${SESSION_ARN} is not authorized to perform: s3:ListBucket on arn:aws:s3:::my-prod-bucket`)).toBeNull();
  });

  it("recognises KMS's refusals, and names the KMS action the message names or the call needs", () => {
    expect(refusalOf("s3.amazonaws.com", "GetObject", "AccessDenied", `User: ${SESSION_ARN} is not authorized to perform: kms:Decrypt on resource: ${SECRET_KEY} because no identity-based policy allows the kms:Decrypt action`)).toEqual({
      errorCode: "AccessDenied (refused by KMS)",
      half: { eventSource: "kms.amazonaws.com", eventName: "Decrypt (via service)", errorCode: "AccessDenied", resources: [SECRET_KEY] },
    });
    // Nothing named: Decrypt for a read, GenerateDataKey for a write.
    expect(refusalOf("secretsmanager.amazonaws.com", "GetSecretValue", "AccessDeniedException", "Access to KMS is not allowed")?.half?.eventName).toBe("Decrypt (via service)");
    expect(refusalOf("secretsmanager.amazonaws.com", "PutSecretValue", "AccessDeniedException", "Access to KMS is not allowed")?.half?.eventName).toBe("GenerateDataKey (via service)");
    expect(refusalOf("sqs.amazonaws.com", "SendMessage", "KMS.AccessDeniedException", null)?.half).toEqual({ eventSource: "kms.amazonaws.com", eventName: "GenerateDataKey (via service)", errorCode: "KMS.AccessDeniedException", resources: [] });
    // Not KMS: an IAM refusal of the service's own action, another error, a call of KMS itself.
    expect(refusalOf("dynamodb.amazonaws.com", "PutItem", "AccessDeniedException", `User: ${SESSION_ARN} is not authorized to perform: dynamodb:PutItem on resource: ${TABLE}`)).toBeNull();
    expect(refusalOf("secretsmanager.amazonaws.com", "GetSecretValue", "ResourceNotFoundException", "Access to KMS is not allowed")).toBeNull();
    expect(refusalOf("kms.amazonaws.com", "Decrypt", "AccessDeniedException", `User: ${SESSION_ARN} is not authorized to perform: kms:Decrypt`)).toBeNull();
  });

  it("reads the refusing policy type of IAM's messages, explicit or implicit, in any case, and nothing else", () => {
    const m = (tail: string) => refusalReasons(refusingPolicyOf(`User: ${SESSION_ARN} is not authorized to perform: s3:GetObject on resource: arn:aws:s3:::b/k ${tail}`));
    expect(m("because no identity-based policy allows the s3:GetObject action")).toEqual([{ policy: "identity-based policy", kind: "no-allow" }]);
    expect(m("with an explicit deny in an identity-based policy")).toEqual([{ policy: "identity-based policy", kind: "explicit-deny" }]);
    expect(m("because no resource-based policy allows the s3:GetObject action")).toEqual([{ policy: "resource-based policy", kind: "no-allow" }]);
    expect(m("with an explicit deny in a resource-based policy")).toEqual([{ policy: "resource-based policy", kind: "explicit-deny" }]);
    expect(m("because no permissions boundary allows the s3:GetObject action")).toEqual([{ policy: "permissions boundary", kind: "no-allow" }]);
    expect(m("with an explicit deny in a permissions boundary")).toEqual([{ policy: "permissions boundary", kind: "explicit-deny" }]);
    expect(m("because no session policy allows the s3:GetObject action")).toEqual([{ policy: "session policy", kind: "no-allow" }]);
    expect(m("with an explicit deny in a service control policy")).toEqual([{ policy: "service control policy", kind: "explicit-deny" }]);
    // The user guide's note on SCPs: "due to an explicit deny in a Service Control Policy".
    expect(m("due to an explicit deny in a Service Control Policy")).toEqual([{ policy: "service control policy", kind: "explicit-deny" }]);
    expect(m("with an explicit deny in a resource control policy")).toEqual([{ policy: "resource control policy", kind: "explicit-deny" }]);
    expect(m("because no VPC endpoint policy allows the s3:GetObject action")).toEqual([{ policy: "VPC endpoint policy", kind: "no-allow" }]);
    expect(m("")).toEqual([]);
    expect(refusingPolicyOf("Access Denied")).toBe(0);
    expect(refusingPolicyOf(null)).toBe(0);
    // Merged across sessions: the union, explicit denies first, in the types' order, each once.
    expect(mergeRefusalReasons(m("with an explicit deny in a service control policy"), [...m("because no identity-based policy allows it"), ...m("with an explicit deny in an identity-based policy")])).toEqual([
      { policy: "identity-based policy", kind: "explicit-deny" },
      { policy: "service control policy", kind: "explicit-deny" },
      { policy: "identity-based policy", kind: "no-allow" },
    ]);
  });

  it("recognises IAM's refusals of a dependent action, and takes the role only when the message names a well-formed role ARN", () => {
    const passRole = (message: string) => refusalOf("lambda.amazonaws.com", "CreateFunction20150331", "AccessDeniedException", message);
    expect(passRole(`User: ${SESSION_ARN} is not authorized to perform: iam:PassRole on resource: ${PASSED_ROLE} because no identity-based policy allows the iam:PassRole action`)).toEqual({
      errorCode: "AccessDeniedException (refused iam:PassRole)",
      half: { eventSource: "iam.amazonaws.com", eventName: "PassRole (via service)", errorCode: "AccessDeniedException", resources: [PASSED_ROLE] },
    });
    // The SDK's relayed form, the service named after the ARN; a sentence's full stop; an SCP's explicit deny.
    expect(passRole(`User: ${SESSION_ARN} is not authorized to perform: iam:PassRole on resource: ${TASK_ROLE} (Service: AmazonECS; Status Code: 400; Error Code: AccessDeniedException)`)?.half?.resources).toEqual([TASK_ROLE]);
    // Quoted, as the enhanced access-denied messages write a resource.
    expect(passRole(`User: ${SESSION_ARN} is not authorized to perform: iam:PassRole on resource: "${TASK_ROLE}" because no identity-based policy allows the iam:PassRole action`)?.half?.resources).toEqual([TASK_ROLE]);
    expect(passRole(`User: ${SESSION_ARN} is not authorized to perform: iam:PassRole on resource: ${TASK_ROLE}.`)?.half?.resources).toEqual([TASK_ROLE]);
    expect(passRole(`User: ${SESSION_ARN} is not authorized to perform: iam:PassRole on resource: ${TASK_ROLE} with an explicit deny in a service control policy`)?.half?.resources).toEqual([TASK_ROLE]);
    // No resource, or not a role's ARN: the refused half has none.
    expect(passRole(`User: ${SESSION_ARN} is not authorized to perform: iam:PassRole`)?.half?.resources).toEqual([]);
    expect(passRole(`User: ${SESSION_ARN} is not authorized to perform: iam:PassRole on resource: role/admin-role`)?.half?.resources).toEqual([]);
    // Not a dependent refusal: IAM's own call, a third service's action, another error, no message.
    expect(refusalOf("iam.amazonaws.com", "CreateRole", "AccessDenied", `User: ${SESSION_ARN} is not authorized to perform: iam:CreateRole on resource: ${PASSED_ROLE}`)).toBeNull();
    expect(refusalOf("athena.amazonaws.com", "StartQueryExecution", "AccessDeniedException", `User: ${SESSION_ARN} is not authorized to perform: glue:GetTable on resource: arn:aws:glue:us-east-1:111122223333:catalog`)).toBeNull();
    expect(refusalOf("lambda.amazonaws.com", "CreateFunction20150331", "InvalidParameterValueException", `User: ${SESSION_ARN} is not authorized to perform: iam:PassRole on resource: ${PASSED_ROLE}`)).toBeNull();
    expect(passRole("Access Denied")).toBeNull();
  });
});
