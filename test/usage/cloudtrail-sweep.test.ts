/**
 * Real CloudTrail records from public sources (AWS's own service guides, on GitHub and newer pages,
 * Panther's rule tests, Sumo Logic's documentation, the Invictus and Stratus Red Team logs:
 * test/fixtures/cloudtrail-sweep/SOURCE.md), each made the call of one Lambda function. For every
 * record: what the usage stage reads from it (the function, the IAM action, the resources, refused
 * or not) against what AWS documents for that call, the same answer from the WebAssembly scanner,
 * the JavaScript scanner and the full parser, and a policy from `generate` that allows the call.
 *
 * The expected values come from the documentation, cited per row, not from leastrole's output:
 * - [SAR-<svc>]  Service Authorization Reference, "Actions, resources, and condition keys for <svc>":
 *                the action that authorises the API and the resource type it is authorised on.
 * - [KMS-PERM]   AWS KMS developer guide, "AWS KMS permissions": ReEncrypt needs kms:ReEncryptFrom on
 *                the key that decrypts and kms:ReEncryptTo on the key that encrypts.
 * - [KMS-CT]     AWS KMS developer guide, CloudTrail examples: ReEncrypt's `resources` lists "the
 *                source KMS key and the destination KMS key, in that order".
 * - [S3-IAM]     Amazon S3 user guide, "Required permissions for Amazon S3 API operations":
 *                ListBuckets needs s3:ListAllMyBuckets (no resource), PutBucketAcl s3:PutBucketAcl on
 *                the bucket, GetBucketVersioning s3:GetBucketVersioning, DeleteBucket s3:DeleteBucket.
 * - [SQS-IAM]    Amazon SQS developer guide, "Amazon SQS API permissions": every queue action on
 *                the queue ARN arn:aws:sqs:<region>:<account>:<queue name>.
 * - [STS-IAM]    IAM user guide, "Granting permissions to switch roles": sts:AssumeRole on the role.
 * - [CT-ERR]     CloudTrail user guide, record contents: errorCode is the service's error; only
 *                authorization failures (AccessDenied …) are refusals; IncorrectKeyException,
 *                KMSInvalidStateException, NotFoundException and TrailNotFoundException are not.
 * - [IAM-MSG]    IAM user guide, "Troubleshoot access denied error messages": "… is not authorized to
 *                perform: <action> on resource: <arn>"; the policy type is named only when the
 *                message says "because no <type> allows" or "with an explicit deny in a <type>".
 * - [CT-SHARED]  CloudTrail user guide, record contents: sharedEventID marks one action delivered to
 *                several accounts; it is one call.
 * - [DDB-IAM]    DynamoDB developer guide, "Using IAM policies with PartiQL" and the API reference:
 *                each item operation of TransactWriteItems (Put, Update, Delete, ConditionCheck) is
 *                authorised by its own action on its table; a PartiQL statement by the PartiQL
 *                action of its verb (SELECT → PartiQLSelect, INSERT → PartiQLInsert …).
 * - [S3X-AUTH]   Amazon S3 user guide, "Authorizing Zonal endpoint API operations with CreateSession":
 *                a directory bucket's object-level operations are authorised by s3express:CreateSession
 *                on the directory bucket (resource type bucket, `…:s3express:<region>:<account>:bucket/<name>`
 *                in the Service Authorization Reference); there is no s3express:GetObject.
 * Where the documented resource is one the usage stage does not derive from the request (an EC2
 * call authorised on more than it names …) the row says so (`notDerived`) and the call must
 * be counted as naming none, never on another ARN. Where it is an IAM user, group or role called by
 * name, whose path the request does not give (`byName`), the call is counted on the two patterns
 * `<type>/<name>` and `<type>/*` + `/<name>` made from the documented ARN's name, which must match it.
 * Where the usage stage counts a call under every candidate action of its event (`candidates`), the
 * documented ones must be among them, the rest only the event mapping's other candidates.
 */
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { generatePolicy, matchResourceType } from "../../src/generate/index.js";
import { evaluateRequest, loadActionCatalogSync } from "../../src/iam/index.js";
import type { PolicyDocument } from "../../src/model/document.js";
import { labelUsage, readUsage } from "../../src/usage/index.js";
import { eventToActions } from "../../src/usage/event-actions.js";
import { readUsageFile } from "../../src/usage/read-file.js";
import { document, lambdaFunction, role as roleOf } from "../generate/fixtures.js";

const FIXTURE = join(__dirname, "../fixtures/cloudtrail-sweep/records.json");
const ROLE = "service-role/ctsweep-role";

interface Expected {
  /** The session's account (the published caller's). */
  account: string;
  /** Per IAM action: the resources the call is authorised on (sorted), refused or not. */
  actions: { [action: string]: { resources: string[]; denied: boolean } };
  /** Where the expectation comes from. */
  doc: string;
  /**
   * Set when the documented resource is one the usage stage does not derive from this request
   * (why, in a word): the call must then be counted as naming no resource (`unnamedCalls`, which
   * generate and the labels treat as unknown), never on another ARN.
   */
  notDerived?: string;
  /** Set when the documented resource is an IAM user, group or role named without its path (why). */
  byName?: string;
  /**
   * Set when the usage stage counts the call under every action its event's mapping lists
   * (event-actions.ts), of which the documented ones are some (why): the others must be those
   * candidates, on the documented resources, never another action.
   */
  candidates?: string;
  /** Set when the documented resources are a guide's placeholders, of no resource type of the action (why): no policy can name them. */
  placeholder?: string;
}

/** The by-name patterns of a documented IAM ARN (arn:…:iam::<account>:<type>/<path><name>): its type and name at any path. */
function byNamePatterns(arn: string): string[] {
  const m = /^(arn:[^:]+:iam::\d{12}:(?:user|group|role)\/)(?:.*\/)?([^/]+)$/.exec(arn);
  if (m === null) throw new Error(`not an IAM user, group or role ARN: ${arn}`);
  return [`${m[1]}${m[2]}`, `${m[1]}*/${m[2]}`].sort();
}

/** IAM's Resource matching on the resource segment: * any characters, / included; ? one. */
const iamMatches = (pattern: string, arn: string): boolean => new RegExp(`^${pattern.replace(/[.+^${}()|[\]\\]/g, "\\$&").replace(/\*/g, ".*").replace(/\?/g, ".")}$`, "s").test(arn);

const KEY_1234 = "arn:aws:kms:us-west-2:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab";
const KEY_0987 = "arn:aws:kms:us-west-2:111122223333:key/0987dcba-09fe-87dc-65ba-ab0987654321";
const EBS_KEY = "arn:aws:kms:us-east-1:123456789012:key/e29ddfd4-1bf6-4e1b-8ecb-08216bd70d07";
const QUEUE = "arn:aws:sqs:us-east-2:123456789012:MyQueue";
const I = "arn:aws:iam::123837392027";
const MUSIC = "arn:aws:dynamodb:us-west-2:123456789012:table/Music";
const SSM = "arn:aws:ssm:us-east-1:123837392027:parameter/credentials/stratus-red-team";
const SECRET_15 = "arn:aws:secretsmanager:us-east-1:123837392027:secret:stratus-red-team-retrieve-secret-15-wL771x";
const SM_KEY = "arn:aws:kms:us-east-1:123837392027:key/dad21b23-9915-42bd-981b-2a9f3c8f20c8";
const ok = (resources: string[] = []) => ({ resources, denied: false });

const EXPECTED: { [fn: string]: Expected } = {
  "ct-01-kms-decrypt": { account: "111122223333", actions: { "kms:Decrypt": ok([KEY_1234]) }, doc: "[SAR-kms] Decrypt → kms:Decrypt on key" },
  "ct-02-kms-decrypt-incorrect-key": { account: "111122223333", actions: { "kms:Decrypt": ok([KEY_1234]) }, doc: "[SAR-kms]; [CT-ERR] IncorrectKeyException is no refusal" },
  "ct-03-kms-decrypt-cloudhsm": { account: "111122223333", actions: { "kms:Decrypt": ok([KEY_1234]) }, doc: "[SAR-kms]; a custom key store's key is a key" },
  "ct-04-kms-decrypt-xks-invalid-state": { account: "111122223333", actions: { "kms:Decrypt": ok([KEY_0987]) }, doc: "[SAR-kms]; [CT-ERR] KMSInvalidStateException is no refusal" },
  "ct-05-kms-reencrypt": { account: "111122223333", actions: { "kms:ReEncryptFrom": ok([KEY_1234]), "kms:ReEncryptTo": ok([KEY_0987]) }, doc: "[KMS-PERM] From on the source key, To on the destination key; [KMS-CT] resources are source, destination" },
  "ct-06-kms-generatedatakey": { account: "111122223333", actions: { "kms:GenerateDataKey": ok([KEY_1234]) }, doc: "[SAR-kms] (resources[] names the key, in us-west-2 though the call was in us-east-1: as published)" },
  "ct-07-kms-creategrant-for-ebs": { account: "123456789012", actions: { "kms:CreateGrant": ok([EBS_KEY]) }, doc: "[SAR-kms] CreateGrant → kms:CreateGrant on key" },
  "ct-08-kms-gdk-without-plaintext-alias": { account: "123456789012", actions: { "kms:GenerateDataKeyWithoutPlaintext": ok([EBS_KEY]) }, doc: "[SAR-kms] authorised on the key an alias resolves to (resources[])" },
  "ct-09-ec2-startinstances-v1": { account: "123456789012", actions: { "ec2:StartInstances": ok(["arn:aws:ec2:us-east-2:123456789012:instance/i-ebeaf9e2"]) }, doc: "[SAR-ec2] on the instance" },
  "ct-10-ec2-stopinstances-v1": { account: "123456789012", actions: { "ec2:StopInstances": ok(["arn:aws:ec2:us-east-2:123456789012:instance/i-ebeaf9e2"]) }, doc: "[SAR-ec2] on the instance" },
  "ct-11-ec2-createkeypair": { account: "123456789012", actions: { "ec2:CreateKeyPair": ok(["arn:aws:ec2:us-east-2:123456789012:key-pair/mykeypair"]) }, doc: "[SAR-ec2] on key-pair/<name>, its keyName" },
  "ct-12-iam-createuser": { account: "123456789012", actions: { "iam:CreateUser": ok(["arn:aws:iam::123456789012:user/Bob"]) }, doc: "[SAR-iam] on user/<path><name>; a CreateUser without Path makes it under / (IAM API reference, CreateUser: Path defaults to a slash)" },
  "ct-13-iam-addusertogroup": { account: "123456789012", actions: { "iam:AddUserToGroup": ok(["arn:aws:iam::123456789012:group/admin"]) }, doc: "[SAR-iam] on the group", byName: "a group's ARN holds its path (group/<path><name>), which a call on an existing group does not give: group/admin alone would refuse it on a group with a path" },
  "ct-14-cloudtrail-updatetrail-not-found": { account: "123456789012", actions: { "cloudtrail:UpdateTrail": ok(["arn:aws:cloudtrail:us-east-2:123456789012:trail/myTrail2"]) }, doc: "[SAR-cloudtrail] on the trail; [CT-ERR] TrailNotFoundException is no refusal" },
  "ct-15-lambda-getfunction-denied": { account: "999999999999", actions: { "lambda:GetFunction": { resources: ["arn:aws:lambda:us-west-2:999999999999:function:other-acct-function"], denied: true } }, doc: "[SAR-lambda]; [IAM-MSG] the refused resource is the message's (requestParameters is null)" },
  "ct-16-lambda-deletefunction": { account: "999999999999", actions: { "lambda:DeleteFunction": ok(["arn:aws:lambda:us-east-1:999999999999:function:basic-node-task"]) }, doc: "[SAR-lambda] DeleteFunction on function ARN" },
  "ct-17-s3-listbuckets": { account: "111122223333", actions: { "s3:ListAllMyBuckets": ok() }, doc: "[S3-IAM] ListBuckets → s3:ListAllMyBuckets, no resource" },
  "ct-18-s3-putbucketacl-empty-bucket": { account: "111122223333", actions: { "s3:PutBucketAcl": ok() }, doc: "[S3-IAM] on the bucket; the record names none (bucketName \"\"), and arn:aws:s3::: is no bucket's ARN" },
  "ct-19-s3-getbucketversioning": { account: "111122223333", actions: { "s3:GetBucketVersioning": ok(["arn:aws:s3:::DOC-EXAMPLE-BUCKET1"]) }, doc: "[S3-IAM]" },
  "ct-20-s3-outposts-putobject": {
    account: "222222222222",
    actions: { "s3-outposts:PutObject": ok(["arn:aws:s3-outposts:us-east-1:YYY:outpost/op-01ac5d28a6a232904/bucket/", "arn:aws:s3-outposts:us-east-1:YYY:outpost/op-01ac5d28a6a232904/bucket/path/upload.sh"]) },
    doc: "[SAR-s3-outposts] PutObject → s3-outposts:PutObject on the resources[] CloudTrail lists (YYY is the guide's placeholder); [CT-SHARED] one call",
    placeholder: "the guide's ARNs have YYY for the account and no bucket name (outpost/<id>/bucket/), where an object's ARN is outpost/<id>/bucket/<bucket>/object/<key>",
  },
  "ct-21-iam-getuserpolicy": { account: "444455556666", actions: { "iam:GetUserPolicy": ok(["arn:aws:iam::444455556666:user/JaneDoe"]) }, doc: "[SAR-iam] on the user", byName: "as AddUserToGroup: the user's path is not in the request" },
  "ct-22-sts-assumerole-cross-account": { account: "777788889999", actions: { "sts:AssumeRole": ok(["arn:aws:iam::111122223333:role/EC2-dev"]), "sts:SetSourceIdentity": ok(["arn:aws:iam::111122223333:role/EC2-dev"]) }, doc: "[STS-IAM]; [CT-SHARED]; its sourceIdentity needs sts:SetSourceIdentity on the role, authorised inside the AssumeRole and read from its request (session-tags.ts)" },
  "ct-23-sts-assumerole-chained-tags": { account: "111111111111", actions: { "sts:AssumeRole": ok(["arn:aws:iam::111111111111:role/JohnRole2"]), "sts:TagSession": ok(["arn:aws:iam::111111111111:role/JohnRole2"]), "sts:SetSourceIdentity": ok(["arn:aws:iam::111111111111:role/JohnRole2"]) }, doc: "[STS-IAM]; the sts:TagSession and sts:SetSourceIdentity it needs for its tags and sourceIdentity are authorised inside it and read from its request (session-tags.ts)" },
  "ct-24-s3-deletebucket": { account: "777788889999", actions: { "s3:DeleteBucket": ok(["arn:aws:s3:::my-test-bucket-cross-account"]) }, doc: "[S3-IAM]" },
  "ct-25-sqs-addpermission": { account: "123456789012", actions: { "sqs:AddPermission": ok([QUEUE]) }, doc: "[SQS-IAM]; the queue URL's host is sqs.us-east-2.amazon.com as published" },
  "ct-26-sqs-createqueue": { account: "123456789012", actions: { "sqs:CreateQueue": ok([QUEUE]) }, doc: "[SQS-IAM] CreateQueue on the queue it names" },
  "ct-27-sqs-deletequeue": { account: "123456789012", actions: { "sqs:DeleteQueue": ok([QUEUE]) }, doc: "[SQS-IAM]" },
  "ct-28-sqs-setqueueattributes": { account: "123456789012", actions: { "sqs:SetQueueAttributes": ok([QUEUE]) }, doc: "[SQS-IAM]" },
  "ct-29-dynamodb-describetable": { account: "444455556666", actions: { "dynamodb:DescribeTable": ok(["arn:aws:dynamodb:us-west-2:111122223333:table/Music"]) }, doc: "[SAR-dynamodb] on the table, in the account that received the call (recipientAccountId)" },
  "ct-30-dynamodb-updatetable-no-name": { account: "111122223333", actions: { "dynamodb:UpdateTable": ok(["arn:aws:dynamodb:us-west-2:111122223333:table/Music"]) }, doc: "[SAR-dynamodb] on the table", notDerived: "the published request has no tableName (only responseElements names it), and responses are not read" },
  "ct-31-iam-getrole-denied": { account: "123456789012", actions: { "iam:GetRole": { resources: ["arn:aws:iam::123456789012:role/FooBar"], denied: true } }, doc: "[SAR-iam]; [IAM-MSG] resource from the message, no policy type named" },
  "ct-32-kms-schedulekeydeletion-null-resources": { account: "123456789012", actions: { "kms:ScheduleKeyDeletion": ok(["arn:aws:kms:us-west-2:123456789012:key/1"]) }, doc: "[SAR-kms] on the key requestParameters.keyId names (resources is null)" },
  "ct-33-kms-disablekey-not-found": { account: "123456789012", actions: { "kms:DisableKey": ok(["arn:aws:kms:us-west-2:123456789012:key/1"]) }, doc: "[SAR-kms]; [CT-ERR] NotFoundException is no refusal" },
  "ct-34-kms-decrypt-lambda-context": { account: "123456789012", actions: { "kms:Decrypt": ok(["arn:aws:kms:us-west-2:123456789012:key/1"]) }, doc: "[SAR-kms]" },
  "ct-35-sns-listtopics": { account: "123456789012", actions: { "sns:ListTopics": ok() }, doc: "[SAR-sns] ListTopics names no resource" },
  "ct-36-sns-createtopic": { account: "123456789012", actions: { "sns:CreateTopic": ok(["arn:aws:sns:us-west-2:123456789012:hello"]) }, doc: "[SAR-sns] on the topic the request names (the published response says hello-topic: the request is what was authorised)" },
  "ct-37-sns-deletetopic": { account: "123456789012", actions: { "sns:DeleteTopic": ok(["arn:aws:sns:us-west-2:123456789012:hello-topic"]) }, doc: "[SAR-sns] on the topic" },
  "ct-38-states-createstatemachine": { account: "123456789012", actions: { "states:CreateStateMachine": ok(["arn:aws:states:us-east-1:123456789012:stateMachine:testUser.2016-10-27-18-17-06.bd144e18-0437-476e-9bb"]) }, doc: "[SAR-states] on the state machine (the iam:PassRole of roleArn it needs is never logged: not-logged.ts)" },
  "ct-39-states-deleteactivity": { account: "123456789012", actions: { "states:DeleteActivity": ok(["arn:aws:states:us-east-1:123456789012:activity:testUser.2016-10-27-18-11-35.f017c391-9363-481a-be2e-"]) }, doc: "[SAR-states] on the activity" },
  "ct-40-states-deletestatemachine-denied": { account: "123456789012", actions: { "states:DeleteStateMachine": { resources: ["arn:aws:states:us-east-1:123456789012:stateMachine:testUser.2016-10-27-18-16-38.ec6e261f-1323-4555-9fa"], denied: true } }, doc: "[SAR-states]; [IAM-MSG] resource from the message (requestParameters is null)" },
  "ct-41-states-startexecution": { account: "123456789012", actions: { "states:StartExecution": ok(["arn:aws:states:us-east-1:123456789012:stateMachine:testUser.2016-10-27-18-16-26.482bea32-560f-4a36-bd"]) }, doc: "[SAR-states] StartExecution on the state machine" },
  "ct-42-states-stopexecution": { account: "123456789012", actions: { "states:StopExecution": ok(["arn:aws:states:us-east-1:123456789012:execution:testUser.2016-10-27-18-17-00.337b3344-83:testUser.2016-10-27-18-17-00.3a0801c5-37"]) }, doc: "[SAR-states] StopExecution on the execution" },
  "ct-43-secretsmanager-createsecret": { account: "123456789012", actions: { "secretsmanager:CreateSecret": ok(["arn:aws:secretsmanager:us-west-2:123456789012:secret:MyDatabaseSecret-??????"]) }, doc: "[SAR-secretsmanager] on the secret it creates, its suffix unknown before (the record has no sourceIPAddress or userAgent, as published)" },
  "ct-44-secretsmanager-deletesecret": { account: "123456789012", actions: { "secretsmanager:DeleteSecret": ok(["arn:aws:secretsmanager:us-west-2:123456789012:secret:MyDatabaseSecret-??????"]) }, doc: "[SAR-secretsmanager] on the secret; a secret named by name is its ARN with the six random characters as ?????? (Secrets Manager user guide, \"ARN\" in IAM policies)" },
  "ct-45-ec2-terminateinstances": { account: "123837392027", actions: { "ec2:TerminateInstances": ok(["arn:aws:ec2:us-east-1:123837392027:instance/i-0dbc91f429e48eeed"]) }, doc: "[SAR-ec2] on the instance of instancesSet.items[].instanceId" },
  "ct-46-ec2-stopinstances-force": { account: "309303190113", actions: { "ec2:StopInstances": ok(["arn:aws:ec2:ca-northsouth-2r:309303190113:instance/i-DDd6c7B0e18F0E35f"]) }, doc: "[SAR-ec2] on the instance (Region and id as the publisher anonymised them)" },
  "ct-47-ec2-modifyinstanceattribute": { account: "123837392027", actions: { "ec2:ModifyInstanceAttribute": ok(["arn:aws:ec2:us-east-1:123837392027:instance/i-0dbc91f429e48eeed"]) }, doc: "[SAR-ec2] on the instance", notDerived: "also authorised on the security groups or volumes a call changes (optional types): the instance alone could refuse such a call" },
  "ct-48-iam-createrole-path": { account: "123837392027", actions: { "iam:CreateRole": ok([`${I}:role/stratus-red-team-ec2-get-password-data-role`]) }, doc: "[SAR-iam] on role/<path><name>, the request's path \"/\"" },
  "ct-49-iam-getrole-by-name": { account: "123837392027", actions: { "iam:GetRole": ok([`${I}:role/stratus-red-team-ec2-get-password-data-role`]) }, doc: "[SAR-iam] on the role (created under / by ct-48's call)", byName: "as AddUserToGroup: a role by name, its path not in the request" },
  "ct-50-iam-createinstanceprofile": { account: "123837392027", actions: { "iam:CreateInstanceProfile": ok([`${I}:instance-profile/stratus-red-team-ec2-steal-credentials-instance`]) }, doc: "[SAR-iam] on instance-profile/<path><name>" },
  "ct-51-iam-createpolicy": { account: "123837392027", actions: { "iam:CreatePolicy": ok([`${I}:policy/stratus-red-team-ec2lui-policy-pcccexdthk`]) }, doc: "[SAR-iam] on policy/<path><name>" },
  "ct-52-iam-getpolicy": { account: "123837392027", actions: { "iam:GetPolicy": ok([`${I}:policy/stratus-red-team-ec2lui-policy-pcccexdthk`]) }, doc: "[SAR-iam] on the policy its policyArn names" },
  "ct-53-iam-createaccesskey": { account: "946986569305", actions: { "iam:CreateAccessKey": ok(["arn:aws:iam::946986569305:user/stratus-red-team-backdoor-u-user"]) }, doc: "[SAR-iam] on the user", byName: "as AddUserToGroup: a user by name" },
  "ct-54-cloudtrail-startlogging": { account: "123837392027", actions: { "cloudtrail:StartLogging": ok(["arn:aws:cloudtrail:us-east-1:123837392027:trail/stratus-red-team-ctlr-trail-zqfsvooxqj"]) }, doc: "[SAR-cloudtrail] on trail/<name>, a name in the call's Region (trail calls are made in the trail's home Region)" },
  "ct-55-cloudtrail-geteventselectors": { account: "123837392027", actions: { "cloudtrail:GetEventSelectors": ok(["arn:aws:cloudtrail:us-east-1:123837392027:trail/stratus-red-team-ctes-trail-qyxyekjbtk"]) }, doc: "[SAR-cloudtrail] on the trail its trailName names" },
  "ct-56-cloudtrail-stoplogging-arn": { account: "123456789012", actions: { "cloudtrail:StopLogging": ok(["arn:aws:cloudtrail:us-west-2:123456789012:trail/example-trail"]) }, doc: "[SAR-cloudtrail] on the trail its name gives as an ARN" },
  "ct-57-dynamodb-putitem": { account: "111122223333", actions: { "dynamodb:PutItem": ok([MUSIC]) }, doc: "[SAR-dynamodb] PutItem on the table (resources[] names it in 123456789012, as published)" },
  "ct-58-dynamodb-updateitem-condition-failed": { account: "111122223333", actions: { "dynamodb:UpdateItem": ok([MUSIC]) }, doc: "[SAR-dynamodb]; [CT-ERR] ConditionalCheckFailedException is no refusal: the call was authorised" },
  "ct-59-dynamodb-transactwriteitems": { account: "111122223333", actions: { "dynamodb:PutItem": ok([MUSIC]), "dynamodb:UpdateItem": ok([MUSIC]), "dynamodb:DeleteItem": ok([MUSIC]), "dynamodb:ConditionCheckItem": ok([MUSIC]) }, doc: "[DDB-IAM] each item operation is authorised by its own action on its table: the request's Put, Update, Delete and ConditionCheck" },
  "ct-60-dynamodb-transactwriteitems-cancelled": { account: "111122223333", actions: { "dynamodb:PutItem": ok([MUSIC]), "dynamodb:UpdateItem": ok([MUSIC]), "dynamodb:DeleteItem": ok([MUSIC]), "dynamodb:ConditionCheckItem": ok([MUSIC]) }, doc: "[DDB-IAM] as ct-59; [CT-ERR] TransactionCanceledException (a condition failed) is no refusal" },
  "ct-61-dynamodb-executestatement-select": { account: "111122223333", actions: { "dynamodb:PartiQLSelect": ok([MUSIC]) }, doc: "[DDB-IAM] a PartiQL SELECT is authorised by dynamodb:PartiQLSelect on the table (DynamoDB developer guide, \"IAM policies with PartiQL\")" },
  "ct-62-dynamodb-batchexecutestatement": { account: "111122223333", actions: { "dynamodb:PartiQLUpdate": ok([MUSIC]), "dynamodb:PartiQLInsert": ok([MUSIC]) }, doc: "[DDB-IAM] each statement by its own PartiQL action on its table: an UPDATE and an INSERT, both on Music (requestParameters.requestItems[].statement)" },
  "ct-63-sqs-sendmessage": { account: "123456789012", actions: { "sqs:SendMessage": ok(["arn:aws:sqs:ap-southeast-4:123456789012:MyQueue"]) }, doc: "[SQS-IAM] SendMessage on the queue of queueUrl (a data event)" },
  "ct-64-sns-publish-topic": { account: "123456789012", actions: { "sns:Publish": ok(["arn:aws:sns:us-east-1:123456789012:ExampleSNSTopic"]) }, doc: "[SAR-sns] Publish on the topic of topicArn (a data event)" },
  "ct-65-events-putevents-default-bus": { account: "111122223333", actions: { "events:PutEvents": ok(["arn:aws:events:us-east-1:111122223333:event-bus/default"]) }, doc: "[SAR-events] PutEvents on the event bus (eventBusName default: the account's default bus in the call's Region)" },
  "ct-66-events-putevents-global-endpoint": { account: "111122223333", actions: { "events:PutEvents": ok(["arn:aws:events:us-east-1:111122223333:event-bus/default"]) }, doc: "[SAR-events] PutEvents is authorised on the event bus only (event-bus, event-busv2): the global endpoint resources[] also lists is no resource type of it" },
  "ct-67-ssm-getparameter": { account: "123837392027", actions: { "ssm:GetParameter": ok([`${SSM}/credentials-35`]) }, doc: "[SAR-ssm] GetParameter on parameter/<name without its leading />" },
  "ct-68-ssm-getparameters": { account: "123837392027", actions: { "ssm:GetParameters": ok(["11", "13", "20", "22", "23", "27", "28", "36", "5", "7"].map((n) => `${SSM}/credentials-${n}`)) }, doc: "[SAR-ssm] GetParameters on each parameter it names" },
  "ct-69-secretsmanager-getsecretvalue-arn": { account: "123837392027", actions: { "secretsmanager:GetSecretValue": ok([SECRET_15]) }, doc: "[SAR-secretsmanager] GetSecretValue on the secret its complete ARN names (resources is absent, as Secrets Manager writes it)" },
  "ct-70-secretsmanager-getsecretvalue-version": { account: "123837392027", actions: { "secretsmanager:GetSecretValue": ok([SECRET_15]) }, doc: "[SAR-secretsmanager] as ct-69: a versionId reads a version of the same secret, no other action" },
  "ct-71-kms-decrypt-via-secretsmanager": { account: "123837392027", actions: { "kms:Decrypt": ok([SM_KEY]) }, doc: "[SAR-kms] Decrypt on the key; made by Secrets Manager with the caller's credentials (invokedBy), so the caller's policy must allow it (KMS developer guide, \"How Secrets Manager uses AWS KMS\")" },
  "ct-72-kms-generatedatakey-via-secretsmanager-alias": { account: "123837392027", actions: { "kms:GenerateDataKey": ok([SM_KEY]) }, doc: "[SAR-kms] on the key alias/aws/secretsmanager resolves to (resources[]), with the caller's credentials (invokedBy)" },
  "ct-73-sts-assumerole-from-function": { account: "123837392027", actions: { "sts:AssumeRole": ok([`${I}:role/stratus-red-team-leave-org-role`]) }, doc: "[STS-IAM] on the role of roleArn" },
  "ct-74-athena-startqueryexecution-workgroup": { account: "123456789012", actions: { "athena:StartQueryExecution": ok(["arn:aws:athena:us-west-2:123456789012:workgroup/Panther"]) }, doc: "[SAR-athena] StartQueryExecution on the workgroup it names (a Go function's call, its userAgent says: exec-env/AWS_Lambda_go1.x)" },
  "ct-75-bedrock-invokemodel-foundation-model": { account: "956882123456", actions: { "bedrock:InvokeModel": ok(["arn:aws:bedrock:us-west-2::foundation-model/anthropic.claude-3-5-sonnet-20240620-v1:0"]) }, doc: "[SAR-bedrock] InvokeModel on the foundation model its modelId names, in the call's Region, no account" },
  "ct-76-ses-sendemail-identity": { account: "111122223333", actions: { "ses:SendEmail": ok(["arn:aws:ses:us-east-1:111122223333:identity/sender@example.com"]) }, doc: "[SAR-ses] SendEmail (SES API v1, email.<region> endpoint) on the identity it sends from (source)" },
  "ct-77-sesv2-sendemail-template": { account: "111122223333", actions: { "ses:SendEmail": ok(["arn:aws:ses:us-east-1:111122223333:identity/sender@example.com", "arn:aws:ses:us-east-1:111122223333:template/TestTemplate"]) }, doc: "[SAR-ses] SendEmail (SES API v2) on the identity of fromEmailAddress and the template it sends (identity required, template when one is used)" },
  "ct-78-secretsmanager-getsecretvalue-denied": { account: "123123123123", actions: { "secretsmanager:GetSecretValue": { resources: ["arn:aws:secretsmanager:us-west-2:123123123123:secret:stratus-red-team-retrieve-secret-3-gscOm8"], denied: true } }, doc: "[SAR-secretsmanager] on the secret its complete ARN names; AccessDenied is a refusal (no errorMessage: the resource is the request's)" },
  "ct-79-s3express-getobject": { account: "111122223333", actions: { "s3express:CreateSession": ok(["arn:aws:s3express:us-west-2:111122223333:bucket/bucket-base-name--usw2-az1--x-s3"]) }, doc: "[S3X-AUTH] a directory bucket's GetObject is authorised by the session's s3express:CreateSession on the bucket; the record writes the bucket's ARN without `bucket/`" },
  "ct-80-s3express-createsession": { account: "111122223333", actions: { "s3express:CreateSession": ok(["arn:aws:s3express:us-west-2:111122223333:bucket/bucket-base-name--usw2-az1--x-s3"]) }, doc: "[S3X-AUTH] CreateSession on the directory bucket" },
};

type Rec = { userIdentity: { principalId: string }; eventTime: string; awsRegion: string; eventSource: string; eventName: string };
const records = (JSON.parse(readFileSync(FIXTURE, "utf8")) as { Records: Rec[] }).Records;
const functionOf = (r: Rec): string => r.userIdentity.principalId.split(":")[1] as string;

/** One record alone in a CloudTrail file (the published examples reuse event IDs). */
function fileOf(rec: Rec): string {
  const path = join(mkdtempSync(join(tmpdir(), "leastrole-ctsweep-")), "records.json");
  writeFileSync(path, JSON.stringify({ Records: [rec] }));
  return path;
}

describe("public CloudTrail records through the usage stage", () => {
  it("has an expectation for every record, and 30 or more records", () => {
    expect(records.length).toBeGreaterThanOrEqual(30);
    expect(records.map(functionOf).sort()).toEqual(Object.keys(EXPECTED).sort());
  });

  it.each(records.map((r) => [functionOf(r), r] as const))("%s: the function, action, resources and refusal AWS documents, in every reader", async (fn, rec) => {
    const want = EXPECTED[fn] as Expected;
    const path = fileOf(rec);
    const wasm = await readUsage([path], { workers: 1 });
    for (const fastScan of ["js", false] as const) expect((await readUsage([path], { workers: 1, fastScan })).sessions, `${fn} (${String(fastScan)})`).toEqual(wasm.sessions);
    expect(wasm.coverage.recordsSkipped).toBe(0);
    expect(wasm.sessions.map((s) => [s.roleArn, s.sessionName])).toEqual([[`arn:aws:iam::${want.account}:role/${ROLE}`, fn]]);
    const s = wasm.sessions[0] as (typeof wasm.sessions)[number];
    const got = Object.fromEntries(s.actions.map((a) => [a.action, { resources: [...a.resources].sort(), denied: a.deniedCount > 0 }]));
    // Where the documented resource is not derived, the call names none: counted as unnamed.
    // An IAM entity by name: its two patterns, which must match the documented ARN.
    const documented = Object.fromEntries(
      Object.entries(want.actions).map(([a, v]) => [a, { ...v, resources: want.notDerived !== undefined ? [] : want.byName !== undefined ? v.resources.flatMap(byNamePatterns) : v.resources }]),
    );
    if (want.byName !== undefined) for (const v of Object.values(want.actions)) for (const arn of v.resources) expect(byNamePatterns(arn).some((p) => iamMatches(p, arn)), arn).toBe(true);
    if (want.candidates === undefined) expect(got, want.doc).toEqual(documented);
    else {
      // The documented actions, each as documented; the rest the event's other candidates, on the same resources.
      const mapped = eventToActions(rec.eventSource, rec.eventName).actions;
      for (const [a, v] of Object.entries(documented)) expect(got[a], `${a}: ${want.doc}`).toEqual(v);
      for (const [a, v] of Object.entries(got)) {
        expect(mapped, `${a}: ${want.candidates}`).toContain(a);
        expect(v, a).toEqual(Object.values(documented)[0]);
      }
    }
    expect(s.actions.map((a) => [a.count, a.unnamedCalls ?? 0]), want.notDerived ?? want.doc).toEqual(s.actions.map((a) => [1, a.resources.length === 0 ? 1 : 0]));
  });

  // The law of test/generate/laws.property.test.ts on real records: the policy generate writes
  // from the usage allows every successful call on what AWS documents it is authorised on, as the
  // IAM engine evaluates it (a call whose resource the usage stage does not derive, or an IAM
  // entity named without its path, included: generate must then grant what such a call may use).
  const catalog = loadActionCatalogSync();
  const allowed = (p: PolicyDocument, a: string, r: string): boolean => evaluateRequest({ identityPolicies: [p], request: { action: a, resource: r } }).decision === "allowed";

  it.each(records.map((r) => [functionOf(r), r] as const))("%s: the policy generate writes allows the call AWS documents", async (fn, rec) => {
    const want = EXPECTED[fn] as Expected;
    const role = `arn:aws:iam::${want.account}:role/${ROLE}`;
    const f = lambdaFunction(fn, role, { arn: `arn:aws:lambda:${rec.awsRegion}:${want.account}:function:${fn}`, accountId: want.account, region: rec.awsRegion });
    const r = { ...roleOf(role, [f.arn]), accountId: want.account };
    const doc = document([f], [r]);
    const day = new Date(Date.parse(rec.eventTime) + 86_400_000).toISOString().slice(0, 10);
    doc.usage = labelUsage(await readUsage([fileOf(rec)], { workers: 1 }), doc, { asOf: `${day}T00:00:00Z`, windowDays: 30, dataEventsLogged: true });
    doc.accounts = [{ accountId: want.account, partition: "aws", regions: [rec.awsRegion] }];
    const g = generatePolicy(doc, f.arn, {}, catalog);
    let checked = 0;
    for (const [action, v] of Object.entries(want.actions)) {
      if (v.denied) continue;
      const info = catalog.action(action);
      expect(info, action).not.toBeNull();
      const on = info?.supportsResourceLevelPermissions === true ? v.resources : ["*"];
      for (const res of on) {
        // A resource of none of the action's types (a guide's placeholder) is one no policy names.
        const typed = res === "*" || (info !== null && matchResourceType(info, res, catalog) !== null);
        expect(typed, `${action} on ${res}: of one of its resource types, unless a placeholder`).toBe(want.placeholder === undefined);
        if (!typed) continue;
        expect(allowed(g.policy, action, res), `${action} on ${res}: ${want.doc}`).toBe(true);
        checked++;
      }
    }
    // Every record but the refused ones and the one naming no bucket is checked on something.
    const refused = Object.values(want.actions).every((v) => v.denied);
    if (!refused && want.placeholder === undefined && fn !== "ct-18-s3-putbucketacl-empty-bucket") expect(checked).toBeGreaterThan(0);
  });

  it("the two scanners read the whole file alike", () => {
    const js = readUsageFile(FIXTURE, { fastScan: "js" });
    expect(readUsageFile(FIXTURE, {})).toEqual(js);
    expect(js.partial.groups.length).toBeGreaterThanOrEqual(records.length);
  });
});
