/**
 * Secrets Manager's BatchGetSecretValue, read by what its request names. The call takes the
 * secrets either as a list (`SecretIdList`) or as filters (`Filters`), and the API reference
 * (https://docs.aws.amazon.com/secretsmanager/latest/apireference/API_BatchGetSecretValue.html)
 * says what each needs: "Required permissions: secretsmanager:BatchGetSecretValue, and you must
 * have secretsmanager:GetSecretValue for each secret. If you use filters, you must also have
 * secretsmanager:ListSecrets." The GetSecretValue of each secret is logged by CloudTrail as a call
 * of its own ("Secrets Manager generates CloudTrail GetSecretValue log entries for each secret you
 * request"); ListSecrets is not. So a batch call by filters is counted under both actions it needs:
 * before, a role that granted ListSecrets for its function's filtered batch read had it labelled
 * unused, and a generated policy without it refused every such call.
 *
 * CloudTrail writes the request's lists camel-cased, `requestParameters.filters` (a list of
 * `{"key", "values"}` objects) and `requestParameters.secretIdList` (Stratus Red Team's detonation
 * logs; Elastic's CloudTrail integration test data). Neither is a string, which is all the byte
 * scanners read of requestParameters: every reader parses such a record whole (a rare call), as it
 * does DynamoDB's multi-item calls. Where the request cannot be read (neither list, or the query
 * readers' rows, which do not carry them) the call keeps its own name, mapped to both actions: the
 * safe direction, a permission kept, never one removed.
 */

/** The event source compared, exactly (the readers decide by it which records to parse whole). */
export const SECRETS_MANAGER_SOURCE = "secretsmanager.amazonaws.com";
const BATCH_GET_SECRET_VALUE = "BatchGetSecretValue";

/** Whether a record is a BatchGetSecretValue call, which every reader parses whole. */
export function isSecretBatch(eventSource: string, eventName: string): boolean {
  return eventName === BATCH_GET_SECRET_VALUE && eventSource === SECRETS_MANAGER_SOURCE;
}

type Obj = { [k: string]: unknown };
const isObj = (v: unknown): v is Obj => typeof v === "object" && v !== null && !Array.isArray(v);

/**
 * The event name a BatchGetSecretValue is counted under (event-actions.ts maps each): `… (filters)`
 * when its request selects by a non-empty `filters` list (ListSecrets too), `… (secret ids)` when by
 * a non-empty `secretIdList` alone; null for any other call, or a request with neither (counted
 * under its own name: both actions).
 */
export function secretBatchEventName(eventSource: string, eventName: string, requestParameters: unknown): string | null {
  if (!isSecretBatch(eventSource, eventName) || !isObj(requestParameters)) return null;
  const { filters, secretIdList } = requestParameters;
  if (Array.isArray(filters) && filters.length > 0) return `${BATCH_GET_SECRET_VALUE} (filters)`;
  if (Array.isArray(secretIdList) && secretIdList.length > 0) return `${BATCH_GET_SECRET_VALUE} (secret ids)`;
  return null;
}
