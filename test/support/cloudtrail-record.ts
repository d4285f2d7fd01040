/**
 * A CloudTrail record of a call made by a role session, with the key order and nesting of a real
 * S3-delivered AssumedRole record (invictus-ir/aws_dataset): the shape the usage fixtures share.
 * A call a service makes with the role's credentials carries `invokedBy`, and then AWS writes the
 * service as sourceIPAddress and userAgent too.
 */
export interface RoleCall {
  account: string;
  roleArn: string;
  session: string;
  time: string;
  /** Service prefix: `dynamodb` → eventSource `dynamodb.amazonaws.com`. */
  source: string;
  name: string;
  /** Makes requestID and eventID unique. */
  seq: number;
  region?: string;
  invokedBy?: string;
  userAgent?: string;
  /** Fields added or replaced at the end (errorCode, requestParameters, resources …). */
  extra?: { [k: string]: unknown };
}

export function roleCallRecord(c: RoleCall): object {
  const roleName = c.roleArn.split("/").pop() as string;
  return {
    eventVersion: "1.08",
    userIdentity: {
      type: "AssumedRole",
      principalId: `AROATFQR7NSCWWVLB7BES:${c.session}`,
      arn: `arn:aws:sts::${c.account}:assumed-role/${roleName}/${c.session}`,
      accountId: c.account,
      accessKeyId: "ASIATFQR7NSCXL3YK5UK",
      sessionContext: { sessionIssuer: { type: "Role", principalId: "AROATFQR7NSCWWVLB7BES", arn: c.roleArn, accountId: c.account, userName: roleName }, webIdFederationData: {}, attributes: { creationDate: c.time, mfaAuthenticated: "false" } },
      ...(c.invokedBy === undefined ? {} : { invokedBy: c.invokedBy }),
    },
    eventTime: c.time,
    eventSource: `${c.source}.amazonaws.com`,
    eventName: c.name,
    awsRegion: c.region ?? "us-east-1",
    sourceIPAddress: c.invokedBy ?? "3.91.171.12",
    userAgent: c.invokedBy ?? c.userAgent ?? "aws-sdk-nodejs/2.1467.0",
    requestParameters: null,
    responseElements: null,
    requestID: `req-${c.seq}`,
    eventID: `00000000-0000-4000-8000-${String(c.seq).padStart(12, "0")}`,
    readOnly: true,
    eventType: "AwsApiCall",
    managementEvent: true,
    recipientAccountId: c.account,
    eventCategory: "Management",
    ...(c.extra ?? {}),
  };
}
