/**
 * Refused calls as CloudTrail writes them (src/usage/denials.ts names where each form comes from):
 * calls whose dependent action KMS or IAM refused after the service's own was authorised, and plain refusals whose
 * requestParameters are null while the message names the resource. One function's session.
 */
import { roleCallRecord } from "./cloudtrail-record.js";

export const ACCOUNT = "111122223333";
export const ROLE = `arn:aws:iam::${ACCOUNT}:role/orders-role`;
export const SESSION_ARN = `arn:aws:sts::${ACCOUNT}:assumed-role/orders-role/orders-fn`;
export const SECRET = `arn:aws:secretsmanager:us-east-1:${ACCOUNT}:secret:prod/db-AbCdEf`;
export const SECRET_KEY = `arn:aws:kms:us-east-1:${ACCOUNT}:key/1234abcd-12ab-34cd-56ef-1234567890ab`;
export const QUEUE_KEY = `arn:aws:kms:us-east-1:${ACCOUNT}:key/0987dcba-09fe-87dc-65ba-ab0987654321`;
export const TABLE = `arn:aws:dynamodb:us-east-1:${ACCOUNT}:table/orders`;
export const EXPORT_OBJECT = "arn:aws:s3:::exports/2026/10/report.csv";
export const PASSED_ROLE = `arn:aws:iam::${ACCOUNT}:role/admin-role`;
export const TASK_ROLE = `arn:aws:iam::${ACCOUNT}:role/ecs/worker-task-role`;
export const LINKED_ROLE = `arn:aws:iam::${ACCOUNT}:role/aws-service-role/ecs.amazonaws.com/AWSServiceRoleForECS`;

const call = (seq: number, source: string, name: string, extra: { [k: string]: unknown }): object =>
  roleCallRecord({ account: ACCOUNT, roleArn: ROLE, session: "orders-fn", time: `2026-10-0${1 + (seq % 5)}T08:00:0${seq % 10}Z`, source, name, seq, extra });

/** A write refused with AccessDeniedException and IAM's text: "… is not authorized to perform: <refused> on resource: <resource><tail>". */
const refusedWrite = (seq: number, source: string, name: string, refused: string, resource: string, tail: string, requestParameters: object | null): object =>
  call(seq, source, name, { readOnly: false, errorCode: "AccessDeniedException", errorMessage: `User: ${SESSION_ARN} is not authorized to perform: ${refused} on resource: ${resource}${tail}`, requestParameters });

/** IAM's tail for a refusal for want of an allow in the role's policies. */
const noAllow = (action: string): string => ` because no identity-based policy allows the ${action} action`;

/** GetSecretValue of a secret under a customer managed key the role may not use: IAM's own text, naming the key. */
export const secretRefusedByKms = (seq: number): object =>
  call(seq, "secretsmanager", "GetSecretValue", {
    errorCode: "AccessDeniedException",
    errorMessage: `User: ${SESSION_ARN} is not authorized to perform: kms:Decrypt on resource: ${SECRET_KEY} because no identity-based policy allows the kms:Decrypt action`,
    requestParameters: { secretId: SECRET },
  });

/** The same, as Secrets Manager words it most often: no key, no action named. */
export const secretKmsNotAllowed = (seq: number): object =>
  call(seq, "secretsmanager", "GetSecretValue", { errorCode: "AccessDeniedException", errorMessage: "Access to KMS is not allowed", requestParameters: { secretId: SECRET } });

/** SendMessage to a queue under SSE-KMS: SQS's own code. */
export const queueRefusedByKms = (seq: number): object =>
  call(seq, "sqs", "SendMessage", {
    readOnly: false,
    errorCode: "KMS.AccessDeniedException",
    errorMessage: `User: ${SESSION_ARN} is not authorized to perform: kms:GenerateDataKey on resource: ${QUEUE_KEY} with an explicit deny in an identity-based policy`,
    requestParameters: { queueUrl: `https://sqs.us-east-1.amazonaws.com/${ACCOUNT}/orders-queue` },
  });

/** A SecureString read: KMS's own message relayed by Parameter Store (names no action, no key). */
export const parameterRefusedByKms = (seq: number): object =>
  call(seq, "ssm", "GetParameter", {
    errorCode: "AccessDeniedException",
    errorMessage: "The ciphertext refers to a customer master key that does not exist, does not exist in this region, or you are not allowed to access. (Service: AWSKMS; Status Code: 400; Error Code: AccessDeniedException; Request ID: 5f642215-959a-11e8-bfd1-81a81941d54a)",
    requestParameters: { name: "/orders/db-password", withDecryption: true },
  });

/** Invoke of a function whose environment Lambda could not decrypt: the caller's Invoke was authorised. */
export const invokeKmsDenied = (seq: number): object =>
  call(seq, "lambda", "Invoke", {
    eventCategory: "Data",
    managementEvent: false,
    readOnly: false,
    errorCode: "KMSAccessDeniedException",
    errorMessage: "Lambda was unable to decrypt the environment variables because KMS access was denied. Please check the function's AWS KMS key settings. KMS Exception: AccessDeniedException KMS Message: The ciphertext refers to a customer master key that does not exist, does not exist in this region, or you are not allowed to access.",
    requestParameters: { functionName: `arn:aws:lambda:us-east-1:${ACCOUNT}:function:billing-fn` },
    resources: [{ accountId: ACCOUNT, type: "AWS::Lambda::Function", ARN: `arn:aws:lambda:us-east-1:${ACCOUNT}:function:billing-fn` }],
  });

/** A plain refusal with requestParameters null: the message names the table. */
export const putItemDenied = (seq: number): object => refusedWrite(seq, "dynamodb", "PutItem", "dynamodb:PutItem", TABLE, noAllow("dynamodb:PutItem"), null);

/** A plain refusal whose message names no ARN: no resource, as before. */
export const getObjectDenied = (seq: number): object =>
  call(seq, "s3", "GetObject", { eventCategory: "Data", managementEvent: false, errorCode: "AccessDenied", errorMessage: "Access Denied", requestParameters: null });

/** A message whose "on resource:" is followed by no well-formed ARN: nothing is taken from it. */
export const oddMessageDenied = (seq: number): object =>
  call(seq, "sns", "Publish", { readOnly: false, errorCode: "AuthorizationError", errorMessage: "User: x is not authorized to perform: SNS:Publish on resource: arn:aws:sns because of policy", requestParameters: null });

/**
 * CreateFunction refused iam:PassRole, requestParameters null: an authorised CreateFunction (the
 * role is not its resource) and a refused iam:PassRole on the role.
 */
export const passRoleDenied = (seq: number): object => refusedWrite(seq, "lambda", "CreateFunction20150331", "iam:PassRole", PASSED_ROLE, noAllow("iam:PassRole"), null);

/** ECS RunTask refused iam:PassRole on the task's role (a Lambda function starting a task), requestParameters kept. */
export const runTaskPassRoleDenied = (seq: number): object =>
  refusedWrite(seq, "ecs", "RunTask", "iam:PassRole", TASK_ROLE, noAllow("iam:PassRole"), { cluster: "jobs", taskDefinition: "worker:3" });

/** A first use of ECS: iam:CreateServiceLinkedRole refused, the service-linked role named with its path. */
export const clusterLinkedRoleDenied = (seq: number): object => refusedWrite(seq, "ecs", "CreateCluster", "iam:CreateServiceLinkedRole", LINKED_ROLE, ".", { clusterName: "jobs" });

/** Athena refused a Glue action it checks with the caller's credentials: not IAM's, left a refusal of the call. */
export const athenaGlueDenied = (seq: number): object =>
  refusedWrite(seq, "athena", "StartQueryExecution", "glue:GetTable", `arn:aws:glue:us-east-1:${ACCOUNT}:catalog`, noAllow("glue:GetTable"), null);

/** A refusal by an organisation's SCP ("with an explicit deny in a service control policy"), on a bucket object. */
export const putObjectDeniedByScp = (seq: number): object =>
  call(seq, "s3", "PutObject", {
    eventCategory: "Data",
    managementEvent: false,
    readOnly: false,
    errorCode: "AccessDenied",
    errorMessage: `User: ${SESSION_ARN} is not authorized to perform: s3:PutObject on resource: ${EXPORT_OBJECT} with an explicit deny in a service control policy`,
    requestParameters: { bucketName: "exports", key: "2026/10/report.csv" },
    resources: [
      { type: "AWS::S3::Object", ARN: EXPORT_OBJECT },
      { accountId: ACCOUNT, type: "AWS::S3::Bucket", ARN: "arn:aws:s3:::exports" },
    ],
  });

/** A success, beside them. */
export const secretRead = (seq: number): object => call(seq, "secretsmanager", "GetSecretValue", { requestParameters: { secretId: SECRET } });

/** All of them, the first KMS refusal delivered twice (same eventID). */
export function denialRecords(): object[] {
  const first = secretRefusedByKms(1);
  return [first, secretKmsNotAllowed(2), queueRefusedByKms(3), parameterRefusedByKms(4), invokeKmsDenied(5), putItemDenied(6), getObjectDenied(7), oddMessageDenied(8), secretRead(9), passRoleDenied(10), runTaskPassRoleDenied(11), clusterLinkedRoleDenied(12), athenaGlueDenied(13), putObjectDeniedByScp(14), first];
}
