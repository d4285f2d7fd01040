/**
 * Live collection from AWS (`leastrole collect`): read-only by construction, writes the files
 * `audit` reads plus manifest.json. See docs/collect.md.
 */

export { collect, type CollectResult } from "./collect.js";
export {
  parseCloudTrailSource,
  type AthenaSource,
  type CloudTrailSource,
  type LakeSource,
  type SecurityLakeTables,
  type CollectOptions,
  type CollectProgress,
} from "./options.js";
export {
  MANIFEST_FILE,
  MANIFEST_VERSION,
  readManifest,
  type CallStatus,
  type CollectManifest,
  type ManifestCall,
  type QueryRecord,
} from "./manifest.js";
export { COLLECT_OPERATIONS, type CollectFeature, type CollectOperation, type AwsService } from "./operations.js";
export {
  ALL_FEATURES,
  ATHENA_DELEGATED_ACTIONS,
  collectPolicy,
  operationsTable,
  type CollectPolicyOptions,
  type IamPolicyDocument,
  type IamPolicyStatement,
} from "./policy.js";
export { REDACTED_VALUE } from "./redact.js";
export { CollectError } from "./errors.js";
