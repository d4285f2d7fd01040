/**
 * Recognise an input by its CONTENT, never by its name: which AWS call wrote it. Returns the
 * reader to use, or why the file is not read (a known shape this stage does not use, or an
 * unknown one). The cloudmapper collector layout only adds the function name and region that its
 * per-function files lack (see path-context.ts).
 */

import type { SourceKind } from "../model/document.js";
import { authorizationDetailsPages, readAuthorizationDetails } from "./iam-authorization-details.js";
import { isCanonicalDocument, readCanonicalDocument } from "./canonical-document.js";
import { isEventInvokeConfig, isListEventInvokeConfigs, readEventInvokeConfigs } from "./lambda-event-invoke-config.js";
import { isEventSourceMapping, isListEventSourceMappings, readEventSourceMappings } from "./lambda-event-source-mappings.js";
import { isLambdaFunctionsValue, readLambdaFunctions } from "./lambda-functions.js";
import { isFunctionUrlConfig, isListFunctionUrlConfigs, readFunctionUrls } from "./lambda-function-url.js";
import { addPermissionStatement, isBareLambdaPolicy, isGetPolicy, readLambdaPolicy } from "./lambda-policy.js";
import { isBareLayerVersionPolicy, isGetLayerVersionPolicy, isLayersOutput, readLambdaLayers, readLayerVersionPolicy } from "./lambda-layers.js";
import { isListTags, readLambdaTags } from "./lambda-tags.js";
import { isCapacityProvidersOutput, readCapacityProviders } from "./lambda-capacity-providers.js";
import { isAliasConfiguration, isListAliases, readLambdaAliases } from "./lambda-aliases.js";
import { isBarePolicyDocument } from "./policy-document-file.js";
import { isAwsConfigOutput, oversizedConfigNotificationHint, readAwsConfig } from "./aws-config.js";
import { isDescribeConfigRules, readConfigRules } from "./aws-config-rules.js";
import { isObject } from "./record-reader.js";
import { accessAnalyzerEventsHint, accessAnalyzerWithoutFindingsHint, fromPowerShell } from "../usage/access-analyzer.js";
import type { PathContext, ReaderInput, SourceFragment } from "./types.js";

export type Detection =
  | { kind: SourceKind; read: (input: ReaderInput) => SourceFragment }
  | { kind: "policy-document" }
  | { kind: "not-used"; what: string }
  | { kind: "unknown" };

/** Each value, or each element when a value is an array (arrays of pages or of records). */
function members(values: unknown[]): unknown[] {
  return values.flatMap((v) => (Array.isArray(v) ? v : [v]));
}

function all(values: unknown[], test: (v: unknown) => boolean): boolean {
  const items = members(values);
  return items.length > 0 && items.every(test);
}

export function detect(values: unknown[], context: PathContext | null = null): Detection {
  if (values.length === 1 && isCanonicalDocument(values[0])) return { kind: "canonical-document", read: readCanonicalDocument };
  if (authorizationDetailsPages(values)) return { kind: "iam-authorization-details", read: readAuthorizationDetails };
  if (isAwsConfigOutput(values)) return { kind: "aws-config", read: readAwsConfig };
  if (all(values, isDescribeConfigRules)) return { kind: "aws-config-rules", read: readConfigRules };
  if (all(values, isLambdaFunctionsValue)) return { kind: "lambda-functions", read: readLambdaFunctions };
  // A layer version's policy has get-policy's envelope: told apart by its Resource (or path) first.
  if (values.length === 1 && (isGetLayerVersionPolicy(values[0], context) || isBareLayerVersionPolicy(values[0]))) return { kind: "lambda-layer-policy", read: readLayerVersionPolicy };
  if (values.length === 1 && (isGetPolicy(values[0], context) || isBareLambdaPolicy(values[0]) || addPermissionStatement(values[0]) !== null)) return { kind: "lambda-policy", read: readLambdaPolicy };
  if (all(values, (v) => isListEventSourceMappings(v) || isEventSourceMapping(v))) return { kind: "lambda-event-source-mappings", read: readEventSourceMappings };
  if (all(values, (v) => isListFunctionUrlConfigs(v) || isFunctionUrlConfig(v))) return { kind: "lambda-function-url", read: readFunctionUrls };
  if (all(values, (v) => isListEventInvokeConfigs(v) || isEventInvokeConfig(v))) return { kind: "lambda-event-invoke-config", read: readEventInvokeConfigs };
  if (values.length === 1 && isListTags(values[0])) return { kind: "lambda-tags", read: readLambdaTags };
  if (all(values, isCapacityProvidersOutput)) return { kind: "lambda-capacity-providers", read: readCapacityProviders };
  if (all(values, (v) => isListAliases(v) || isAliasConfiguration(v))) return { kind: "lambda-aliases", read: readLambdaAliases };
  if (all(values, isLayersOutput)) return { kind: "lambda-layers", read: readLambdaLayers };
  if (values.length === 1 && isBarePolicyDocument(values[0])) return { kind: "policy-document" };
  // Access Analyzer's finding events are EventBridge events, but no Lambda event payload: said with what to give.
  const analyzerEvents = accessAnalyzerEventsHint(values);
  if (analyzerEvents !== null) return { kind: "not-used", what: analyzerEvents };
  // An unused-access analyzer without its findings: its age is read with them (access-analyzer.ts).
  const analyzerAlone = accessAnalyzerWithoutFindingsHint(values);
  if (analyzerAlone !== null) return { kind: "not-used", what: analyzerAlone };
  const known = knownUnusedShape(values);
  if (known) return { kind: "not-used", what: known };
  return { kind: "unknown" };
}

/**
 * The event a service invokes a function with: S3, SQS, SNS, DynamoDB, Kinesis … records
 * (`eventSource`/`EventSource` "aws:<service>"), an API Gateway or function URL request, an
 * EventBridge event that is not a CloudTrail record. Test events of this shape sit in every SAM
 * project (`sam init` writes events/event.json).
 */
function isLambdaEventPayload(v: Record<string, unknown>): boolean {
  const records = v["Records"];
  if (Array.isArray(records) && records.length > 0) {
    return records.every((r) => isObject(r) && typeof (r["eventSource"] ?? r["EventSource"]) === "string" && String(r["eventSource"] ?? r["EventSource"]).startsWith("aws:"));
  }
  if (typeof v["httpMethod"] === "string" && ("requestContext" in v || "resource" in v || "path" in v)) return true;
  if (v["version"] === "2.0" && typeof v["routeKey"] === "string" && typeof v["rawPath"] === "string") return true;
  const detail = v["detail"];
  return typeof v["detail-type"] === "string" && typeof v["source"] === "string" && !(isObject(detail) && "eventName" in detail && "eventSource" in detail);
}

/**
 * CloudTrail that reached the account readers: audit and generate send what they recognise as
 * activity data to their usage stage (route-inputs.ts), so this file's events are not counted.
 * Said as that, not as "read by `leastrole usage`", a command that does not exist.
 */
const CLOUDTRAIL_NOT_READ = "CloudTrail records, but the file's start was not recognised as activity data, so its events are not counted in the usage";

/** Shapes we recognise but do not read here: said as info, so users know they were seen. */
function knownUnusedShape(values: unknown[]): string | null {
  const v = values[0];
  if (isObject(v)) {
    const oversized = oversizedConfigNotificationHint(v);
    if (oversized !== null) return oversized;
    // A custom Config rule's event whose invokingEvent holds no item (a periodic rule's
    // ScheduledNotification; aws-config.ts reads those that hold one).
    if (typeof v["invokingEvent"] === "string" && (typeof v["configRuleName"] === "string" || typeof v["configRuleArn"] === "string")) {
      const type = /"messageType"\s*:\s*"(\w+)"/.exec(v["invokingEvent"])?.[1];
      return `an AWS Config rule's event${type ? ` (${type})` : ""}: it carries no configuration item`;
    }
    if (isLambdaEventPayload(v)) return "a Lambda event payload (what a service hands a function, as in a SAM project's events/ or sam local generate-event), not activity data";
    if (Array.isArray(v["Records"]) && members(v["Records"] as unknown[]).some((r) => isObject(r) && "eventSource" in r)) return CLOUDTRAIL_NOT_READ;
    if ("ServicesLastAccessed" in v) return "IAM Access Advisor output (read by the usage stage)";
    if (typeof v["JobId"] === "string" && Object.keys(v).length <= 3) return accessAdvisorJobOnly(v["JobId"]);
    if (isObject(v["Role"]) && "AssumeRolePolicyDocument" in (v["Role"] as object)) return "iam get-role output (it has no policies: use get-account-authorization-details)";
    if (isObject(v["User"]) || isObject(v["Group"])) return "iam get-user/get-group output (use get-account-authorization-details)";
    const perCall = iamPerCallOutput(v);
    if (perCall !== null) return `${perCall}: use get-account-authorization-details, which holds every role with its inline and attached policies and their default versions`;
    if ("Account" in v && "Arn" in v && "UserId" in v) return "sts get-caller-identity output";
    // IAM calls every account collector makes (cloudmapper's account-data/ holds all three) that
    // say nothing about execution roles: were they warned, every audit of such a folder would be
    // "partial data" for files nobody meant as missing input.
    if (isObject(v["SummaryMap"]) && Object.keys(v).every((k) => k === "SummaryMap" || k === "ResponseMetadata" || k === "$metadata")) return "iam get-account-summary output (account quotas and counts, no policies)";
    if (typeof v["Content"] === "string" && typeof v["ReportFormat"] === "string" && "GeneratedTime" in v) return "iam get-credential-report output (IAM users' credentials, not execution roles)";
    if (Array.isArray(v["SAMLProviderList"])) return "iam list-saml-providers output (identity providers, no policies)";
    if (Array.isArray(v["OpenIDConnectProviderList"])) return "iam list-open-id-connect-providers output (identity providers, no policies)";
    if (Array.isArray(v["Roles"]) && (v["Roles"] as unknown[]).every((r) => isObject(r) && "RoleName" in r)) return "iam list-roles output (it has no policies: use get-account-authorization-details)";
    if (Array.isArray(v["Policies"]) && (v["Policies"] as unknown[]).every((p) => isObject(p) && !("PolicyVersionList" in p))) return "iam list-policies output (no documents: use get-account-authorization-details)";
    if (Array.isArray(v["Regions"]) && Object.keys(v).length === 1) return "ec2 describe-regions output";
    // An AWS CDK cloud assembly (`cdk synth`'s cdk.out): its stacks' *.template.json are the
    // templates read; these files describe the assembly. Said briefly, as `leastrole audit cdk.out`
    // meets all four.
    const keys = Object.keys(v);
    if (typeof v["version"] === "string") {
      if (isObject(v["artifacts"])) return "AWS CDK cloud assembly manifest (the stacks' *.template.json files are read, with the account, region, name and construct paths it gives each stack)";
      if (v["version"] === "tree-0.1" && isObject(v["tree"])) return "AWS CDK construct tree (the stacks' *.template.json files are read)";
      if ((isObject(v["files"]) || isObject(v["dockerImages"])) && keys.every((k) => k === "version" || k === "files" || k === "dockerImages")) return "AWS CDK asset manifest";
      if (keys.length === 1) return "AWS CDK cloud assembly version marker (cdk.out)";
      if (v["title"] === "Validation Report" && Array.isArray(v["pluginReports"])) return "AWS CDK policy validation report";
    }
    if (isObject(v["service"]) && isObject((v["service"] as Record<string, unknown>)["provider"]) && "package" in v) {
      return "Serverless Framework state (the compiled cloudformation-template-*-stack.json files are read, with the region and stack name it gives them)";
    }
    // A stack's construct metadata (`<Stack>.metadata.json`, cdk.out since 2025): construct paths to their annotations.
    if (keys.length > 0 && keys.every((k) => k.startsWith("/") && Array.isArray(v[k]) && (v[k] as unknown[]).every((e) => isObject(e) && typeof e["type"] === "string"))) {
      return "AWS CDK stack metadata (the stacks' *.template.json files are read, with the construct paths it gives their resources)";
    }
  }
  if (Array.isArray(v) && v.length > 0 && v.every((e) => isObject(e) && "eventSource" in e && "eventName" in e)) return CLOUDTRAIL_NOT_READ;
  if (Array.isArray(v) && values.length === 1) {
    const list = authorizationDetailsList(v);
    // `aws iam get-account-authorization-details --query RoleDetailList`: the records without the
    // output around them, so without the other lists and without the NextToken that says whether
    // --max-items cut it. Named, so the fix is plain, instead of "not an input leastrole reads".
    if (list) return `a bare ${list} (get-account-authorization-details narrowed by --query): without the rest of the output it cannot be told complete; export without --query (--filter keeps the output whole)`;
  }
  return null;
}

/**
 * The IAM calls that read one role's permissions piece by piece (what a user allowed no
 * GetAccountAuthorizationDetails runs, as pentest and CTF write-ups show): named, so the user
 * learns which one call gives them all, instead of the list of every input. Shapes: IAM API
 * Reference (GetRolePolicy, ListAttachedRolePolicies, ListRolePolicies, GetPolicy/CreatePolicy,
 * GetPolicyVersion/CreatePolicyVersion); Lambda's get-policy `{Policy: "<JSON>"}` has a string.
 */
function iamPerCallOutput(v: Record<string, unknown>): string | null {
  if (typeof v["PolicyName"] === "string" && "PolicyDocument" in v) {
    const owner = (["RoleName", "UserName", "GroupName"] as const).find((k) => typeof v[k] === "string");
    if (owner) return `iam get-${owner.slice(0, -4).toLowerCase()}-policy output (one inline policy, ${String(v["PolicyName"])}, of ${owner.slice(0, -4).toLowerCase()} ${String(v[owner])})`;
  }
  if (Array.isArray(v["AttachedPolicies"]) && (v["AttachedPolicies"] as unknown[]).every((p) => isObject(p) && "PolicyArn" in p)) return "iam list-attached-role/user/group-policies output (policy names and ARNs, no documents)";
  if (Array.isArray(v["PolicyNames"]) && (v["PolicyNames"] as unknown[]).every((n) => typeof n === "string")) return "iam list-role/user/group-policies output (inline policy names, no documents)";
  const policy = v["Policy"];
  if (isObject(policy) && typeof policy["Arn"] === "string" && "DefaultVersionId" in policy && !("PolicyVersionList" in policy)) return "iam get-policy/create-policy output (a managed policy's metadata, no document)";
  if (isObject(v["PolicyVersion"]) && "VersionId" in (v["PolicyVersion"] as object)) return "iam get-policy-version/create-policy-version output (one version of a managed policy, not which roles it is attached to)";
  return null;
}

/** Which list of get-account-authorization-details a bare array of records is, if it is one. */
function authorizationDetailsList(v: unknown[]): string | null {
  if (v.length === 0 || !v.every(isObject)) return null;
  const records = v as Array<Record<string, unknown>>;
  if (records.every((r) => "RoleName" in r && "Arn" in r && ("RolePolicyList" in r || "AttachedManagedPolicies" in r))) return "RoleDetailList";
  if (records.every((r) => "UserName" in r && "Arn" in r && ("UserPolicyList" in r || "GroupList" in r))) return "UserDetailList";
  if (records.every((r) => "GroupName" in r && "Arn" in r && "GroupPolicyList" in r)) return "GroupDetailList";
  if (records.every((r) => "Arn" in r && Array.isArray(r["PolicyVersionList"]))) return "Policies list";
  return null;
}

/** What to say of findings (FindingSummaryV2/GetFindingV2) all of external or internal access, else null. */
function otherAccessFindingsHint(v2: unknown[]): string | null {
  const types = [...new Set(v2.map((f) => (isObject(f) ? f["findingType"] : undefined)))];
  if (v2.length > 0 && types.every((t) => typeof t === "string" && !t.startsWith("Unused"))) {
    return `IAM Access Analyzer findings of ${(types as string[]).sort().join(" and ")} hold no unused-access data and are not read: give list-findings-v2 or get-finding-v2 output of an unused-access analyzer (aws accessanalyzer get-finding-v2 --analyzer-arn … --id … for each UnusedPermission finding)`;
  }
  return null;
}

/**
 * IAM Access Analyzer and Access Advisor outputs leastrole does not read, though a user may give
 * them as activity data: what each is and what to give instead (null for any other value). Still an unrecognised
 * input (named on the command line, exit 2), but said in place of the list of every input read.
 * Shapes: Access Analyzer API Reference, GetGeneratedPolicy and ListFindings (v1: findings of
 * external access, FindingSummary, no findingType).
 */
export function analyzerOutputHint(values: unknown[]): string | null {
  const v = values.length === 1 ? values[0] : null;
  // `aws iam get-service-last-accessed-details --job-id … --query ServicesLastAccessed`: the services
  // without the report's date or status (ServiceLastAccessed: ServiceName and ServiceNamespace are required).
  if (Array.isArray(v) && v.length > 0 && v.every((e) => isObject(e) && typeof e["ServiceNamespace"] === "string" && typeof e["ServiceName"] === "string")) {
    return "a bare ServicesLastAccessed list (aws iam get-service-last-accessed-details narrowed by --query): without the output around it, the job's JobCreationDate and JobStatus are lost, so the services cannot be placed against the window; give the whole output";
  }
  // The same findings as AWS Tools for PowerShell writes them (Get-IAMAAFindingsV2List,
  // Get-IAMAAFindingV2 | ConvertTo-Json: PascalCase, enums as {"Value": …}; fromPowerShell).
  const ps = fromPowerShell(v);
  if (ps !== v) {
    const list = Array.isArray(ps) ? ps : isObject(ps) && Array.isArray(ps["findings"]) ? (ps["findings"] as unknown[]) : [ps];
    const hint = otherAccessFindingsHint(list.filter((f) => isObject(f) && typeof f["resource"] === "string"));
    if (hint !== null) return hint;
  }
  if (!isObject(v)) return null;
  if (isObject(v["generatedPolicyResult"]) || (isObject(v["jobDetails"]) && "generatedPolicyResult" in v)) {
    return "IAM Access Analyzer get-generated-policy output (a policy generated from CloudTrail) is not read: its actions are the role's, with no function, time or resource of each call, so they cannot label a function's permissions: give the CloudTrail logs it was generated from (its cloudTrailProperties name the trail and the period), and `leastrole generate` writes the policy per function";
  }
  // `aws accessanalyzer get-finding-recommendation` (Access Analyzer API Reference,
  // GetFindingRecommendation, https://docs.aws.amazon.com/access-analyzer/latest/APIReference/API_GetFindingRecommendation.html):
  // the policies to detach or create for one principal, generated from an unused-permission finding.
  if (Array.isArray(v["recommendedSteps"]) && typeof v["recommendationType"] === "string") {
    const of = typeof v["resourceArn"] === "string" ? ` for ${v["resourceArn"]}` : "";
    return `IAM Access Analyzer get-finding-recommendation output (policies to detach or create${of}) is not read: it says which policies to change, not which services or actions went unused or since when; give the get-finding-v2 output of the UnusedPermission finding it was generated from (aws accessanalyzer get-finding-v2 --analyzer-arn … --id …)`;
  }
  const findings = v["findings"];
  if (Array.isArray(findings) && findings.length > 0 && findings.every((f) => isObject(f) && !("findingType" in f) && ("isPublic" in f || "principal" in f || "action" in f))) {
    return "IAM Access Analyzer list-findings output (external-access findings) holds no unused-access data and is not read: give list-findings-v2 or get-finding-v2 output of an unused-access analyzer (aws accessanalyzer get-finding-v2 --analyzer-arn … --id … for each UnusedPermission finding)";
  }
  // list-findings-v2 or get-finding-v2 output of an external or internal access analyzer
  // (FindingSummaryV2/GetFindingV2: findingType ExternalAccess or InternalAccess). Its unused-access
  // findings would have reached the usage stage (route-inputs.ts: a findingType "Unused…").
  const v2 = Array.isArray(findings) ? findings : typeof v["findingType"] === "string" && typeof v["resource"] === "string" ? [v] : [];
  const other = otherAccessFindingsHint(v2);
  if (other !== null) return other;
  // IAM Access Advisor outputs that are no role's report (IAM API Reference,
  // GetServiceLastAccessedDetailsWithEntities, GetOrganizationsAccessReport).
  const forTheRole = "give the output of aws iam get-service-last-accessed-details --job-id … for a job generated for the role (aws iam generate-service-last-accessed-details --arn <role ARN>)";
  if (Array.isArray(v["EntityDetailsList"]) && "JobStatus" in v) {
    return `aws iam get-service-last-accessed-details-with-entities output lists the entities that accessed one service (EntityDetailsList), not a role's services: ${forTheRole}`;
  }
  if (Array.isArray(v["AccessDetails"]) && "JobStatus" in v) {
    return `aws iam get-organizations-access-report output is an AWS Organizations entity's report (AccessDetails: an account's, an OU's or the organization's), not a role's: ${forTheRole}`;
  }
  return null;
}

/** What `aws iam generate-service-last-accessed-details` prints: a job id, no report. */
export const ACCESS_ADVISOR_JOB_ONLY = "aws iam generate-service-last-accessed-details output: a job id, not a report";

function accessAdvisorJobOnly(jobId: string): string {
  return `${ACCESS_ADVISOR_JOB_ONLY}; give the output of aws iam get-service-last-accessed-details --job-id ${jobId} instead`;
}
