/**
 * CloudTrail records as Amazon Security Lake stores them: OCSF records by the mapping AWS
 * published (ocsf/examples mappings/markdown/AWS/v1.1.0/CloudTrail/API Activity/README.md; source
 * version 1: the fields the Security Lake user guide's and awslabs/aws-security-analytics-bootstrap's
 * queries read), written as Parquet with the tables' column types, for DuckDB to query.
 *
 * Sources (Apache-2.0): ocsf/examples mappings/markdown/AWS/v1.1.0/CloudTrail/API Activity/README.md
 * (commit 5ca175acdc2c), mappings/bloblang/AWS/CloudTrail/v1.1.0/cloudtrail.yml (commit 7aa8649f37e4:
 * the event names of the Authentication and Account Change classes, some of which are listed
 * below); awslabs/aws-security-analytics-bootstrap AWSSecurityAnalyticsBootstrap/amazon_security_lake_queries/ocsf/
 * amazon_security_lake_queries_cloudtrail_management.md (commit f7b8795c25bd: version 1's
 * actor.user.uuid, unmapped['requestParameters.<key>'], eventday).
 */
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import type { DuckDBConnection } from "@duckdb/node-api";

export type Rec = { [k: string]: unknown };

// The classes Security Lake maps CloudTrail management events to, chosen by eventName (ocsf/examples
// mappings/bloblang/AWS/CloudTrail/v1.1.0/cloudtrail.yml): Authentication, Account Change, else API Activity.
const AUTHENTICATION = new Set(["ConsoleLogin", "ExternalIdPDirectoryLogin", "CheckMfa", "CredentialChallenge", "CredentialVerification", "UserAuthentication", "AssumeRole", "AssumeRoleWithSAML", "AssumeRoleWithWebIdentity"]);
const ACCOUNT_CHANGE = new Set(["CreateUser", "CreateRole", "AddUserToGroup", "CreateAccessKey", "CreateInstanceProfile", "AttachRolePolicy", "PutRolePolicy", "DeleteRole", "UpdateAssumeRolePolicy", "TagRole"]);

/** The keys of a record the mapping places in OCSF fields; the others go to `unmapped`, one key per leaf. */
const MAPPED = new Set(["eventTime", "eventSource", "eventName", "awsRegion", "errorCode", "errorMessage", "requestParameters", "responseElements", "requestID", "eventID", "eventVersion", "apiVersion", "userAgent", "sourceIPAddress", "vpcEndpointId", "resources", "eventCategory"]);

function flatten(value: unknown, prefix: string, out: { [k: string]: string }): void {
  if (value === null || value === undefined) return;
  if (typeof value === "object" && !Array.isArray(value)) {
    for (const [k, v] of Object.entries(value)) flatten(v, `${prefix}.${k}`, out);
  } else out[prefix] = typeof value === "string" ? value : JSON.stringify(value);
}

const str = (v: unknown): string | null => (typeof v === "string" ? v : null);

/** A CloudTrail record as Security Lake writes it, source version 2 (OCSF 1.1.0) or 1 (OCSF 1.0.0-rc.2). */
export function ocsfOf(r: Rec, version: 1 | 2): Rec {
  const ui = (r.userIdentity ?? {}) as Rec;
  const ctx = (ui.sessionContext ?? {}) as Rec;
  const issuer = (ctx.sessionIssuer ?? {}) as Rec;
  const name = String(r.eventName);
  const unmapped: { [k: string]: string } = {};
  for (const [k, v] of Object.entries(r)) if (!MAPPED.has(k) && k !== "userIdentity") flatten(v, k, unmapped);
  // userIdentity's fields not mapped (sessionIssuer's type, principalId, accountId, userName …).
  for (const [k, v] of Object.entries(ui)) if (!["type", "principalId", "arn", "accountId", "accessKeyId", "userName", "invokedBy", "sessionContext"].includes(k)) flatten(v, `userIdentity.${k}`, unmapped);
  for (const [k, v] of Object.entries(issuer)) if (k !== "arn") flatten(v, `userIdentity.sessionContext.sessionIssuer.${k}`, unmapped);
  const time = Date.parse(String(r.eventTime));
  const resources = ((r.resources ?? []) as Rec[]).map((x) => ({ uid: str(x.ARN), type: str(x.type) }));
  const response = { error: str(r.errorCode), message: str(r.errorMessage), data: r.responseElements == null ? null : JSON.stringify(r.responseElements) };
  const region = str(r.awsRegion);
  const recipient = str(r.recipientAccountId);
  if (version === 2) {
    // eventType is metadata.event_code (its own field), the rest of the record's own fields in unmapped.
    delete unmapped.eventType;
    return {
      class_uid: AUTHENTICATION.has(name) ? 3002 : ACCOUNT_CHANGE.has(name) ? 3001 : 6003,
      time,
      time_dt: new Date(time).toISOString().replace("T", " ").replace(/\.\d+Z$/, ""),
      api: { operation: name, service: { name: str(r.eventSource) }, request: { uid: str(r.requestID), data: r.requestParameters == null ? null : JSON.stringify(r.requestParameters) }, response, version: str(r.apiVersion) },
      actor: {
        user: { uid: str(ui.arn), uid_alt: str(ui.principalId), type: str(ui.type), name: str(ui.userName), credential_uid: str(ui.accessKeyId), account: { uid: str(ui.accountId) } },
        session: { issuer: str(issuer.arn) },
        invoked_by: str(ui.invokedBy),
      },
      cloud: { provider: "AWS", region, account: { uid: recipient } },
      metadata: { uid: str(r.eventID), event_code: str(r.eventType), version: "1.1.0", product: { name: "CloudTrail", vendor_name: "AWS", version: str(r.eventVersion), feature: { name: str(r.eventCategory) } } },
      resources,
      unmapped,
      accountid: recipient,
      region,
    };
  }
  // Version 1: requestParameters flattened into unmapped, one key per leaf.
  flatten(r.requestParameters, "requestParameters", unmapped);
  return {
    class_uid: AUTHENTICATION.has(name) ? 3002 : ACCOUNT_CHANGE.has(name) ? 3001 : 3005,
    time,
    api: { operation: name, service: { name: str(r.eventSource) }, request: { uid: str(r.requestID) }, response: { error: response.error, message: response.message }, version: str(r.apiVersion) },
    actor: {
      user: { uid: str(ui.principalId), uuid: str(ui.arn), type: str(ui.type), name: str(ui.userName), credential_uid: str(ui.accessKeyId), account_uid: str(ui.accountId) },
      session: { issuer: str(issuer.arn) },
      invoked_by: str(ui.invokedBy),
    },
    cloud: { provider: "AWS", region },
    metadata: { uid: str(r.eventID), version: "1.0.0-rc.2", product: { name: "CloudTrail", vendor_name: "AWS", version: str(r.eventVersion), feature: { name: str(r.eventCategory) } } },
    resources,
    unmapped,
    accountid: recipient,
    region,
    eventday: new Date(time).toISOString().slice(0, 10).replaceAll("-", ""),
  };
}

/** The Parquet columns Security Lake's tables have (the fields the records above fill). */
export const COLUMNS_V2 = {
  class_uid: "INTEGER",
  time: "BIGINT",
  time_dt: "TIMESTAMP",
  api: "STRUCT(operation VARCHAR, service STRUCT(name VARCHAR), request STRUCT(uid VARCHAR, data VARCHAR), response STRUCT(error VARCHAR, message VARCHAR, data VARCHAR), version VARCHAR)",
  actor: "STRUCT(\"user\" STRUCT(uid VARCHAR, uid_alt VARCHAR, type VARCHAR, name VARCHAR, credential_uid VARCHAR, account STRUCT(uid VARCHAR)), session STRUCT(issuer VARCHAR), invoked_by VARCHAR)",
  cloud: "STRUCT(provider VARCHAR, region VARCHAR, account STRUCT(uid VARCHAR))",
  metadata: "STRUCT(uid VARCHAR, event_code VARCHAR, version VARCHAR, product STRUCT(name VARCHAR, vendor_name VARCHAR, version VARCHAR, feature STRUCT(name VARCHAR)))",
  resources: "STRUCT(uid VARCHAR, type VARCHAR)[]",
  unmapped: "MAP(VARCHAR, VARCHAR)",
  accountid: "VARCHAR",
  region: "VARCHAR",
};
export const COLUMNS_V1 = {
  class_uid: "INTEGER",
  time: "BIGINT",
  api: "STRUCT(operation VARCHAR, service STRUCT(name VARCHAR), request STRUCT(uid VARCHAR), response STRUCT(error VARCHAR, message VARCHAR), version VARCHAR)",
  actor: "STRUCT(\"user\" STRUCT(uid VARCHAR, uuid VARCHAR, type VARCHAR, name VARCHAR, credential_uid VARCHAR, account_uid VARCHAR), session STRUCT(issuer VARCHAR), invoked_by VARCHAR)",
  cloud: "STRUCT(provider VARCHAR, region VARCHAR)",
  metadata: "STRUCT(uid VARCHAR, version VARCHAR, product STRUCT(name VARCHAR, vendor_name VARCHAR, version VARCHAR, feature STRUCT(name VARCHAR)))",
  resources: "STRUCT(uid VARCHAR, type VARCHAR)[]",
  unmapped: "MAP(VARCHAR, VARCHAR)",
  accountid: "VARCHAR",
  region: "VARCHAR",
  eventday: "VARCHAR",
};


/** Write the records as a Security Lake table in Parquet and make `name` a view over it. */
export async function securityLakeTable(c: DuckDBConnection, records: Rec[], version: 1 | 2, dir: string, name: string): Promise<void> {
  const lit = (x: string): string => `'${x.replace(/'/g, "''")}'`;
  const file = name.replace(/[^A-Za-z0-9_]/g, "_");
  const json = join(dir, `${file}.jsonl`);
  writeFileSync(json, records.map((r) => JSON.stringify(ocsfOf(r, version))).join("\n") + "\n");
  const parquet = join(dir, `${file}.parquet`);
  const cols = `{${Object.entries(version === 2 ? COLUMNS_V2 : COLUMNS_V1).map(([k, t]) => `${lit(k)}: ${lit(t)}`).join(", ")}}`;
  await c.run(`COPY (SELECT * FROM read_json(${lit(json)}, format = 'newline_delimited', columns = ${cols})) TO ${lit(parquet)} (FORMAT parquet)`);
  await c.run(`CREATE VIEW ${name} AS SELECT * FROM read_parquet(${lit(parquet)})`);
}
