/**
 * Throttling: the SDK's standard retry strategy already retries throttled calls (maxAttempts).
 * Long paginations (LookupEvents at 2 requests/s, thousands of GetPolicy calls) can outlast it,
 * so callAws adds its own, slower retry around each page for throttling errors only, with
 * exponential backoff and full jitter (AWS Architecture Blog, "Exponential Backoff and Jitter").
 */

/** Error codes AWS services use for throttling (names of SDK exceptions or of the error code). */
export const THROTTLING_CODES: ReadonlySet<string> = new Set([
  "ThrottlingException",
  "Throttling",
  "ThrottledException",
  "TooManyRequestsException",
  "RequestLimitExceeded",
  "RequestThrottled",
  "RequestThrottledException",
  "SlowDown",
  "ProvisionedThroughputExceededException",
  "BandwidthLimitExceeded",
  "PriorRequestNotComplete",
]);

export interface ThrottleRetryPolicy {
  /** Retries after the SDK has given up on a throttled call (0 = none). */
  retries: number;
  /** First backoff ceiling, ms. */
  baseMs: number;
  /** Largest backoff ceiling, ms. */
  capMs: number;
}

export const DEFAULT_THROTTLE_RETRY: ThrottleRetryPolicy = Object.freeze({ retries: 5, baseMs: 1000, capMs: 20_000 });

/**
 * The SDK could not parse the answer (an HTML error page, a proxy's reply, an emulator that does
 * not implement the operation): it throws a SyntaxError or parse Error with the HTTP response
 * attached as `$response`.
 */
function unparseableStatus(error: unknown): number | undefined {
  if (!error || typeof error !== "object") return undefined;
  const e = error as { message?: unknown; $response?: { statusCode?: unknown } };
  if (typeof e.message !== "string" || !e.message.includes("Deserialization error")) return undefined;
  return typeof e.$response?.statusCode === "number" ? e.$response.statusCode : 0;
}

/** The error's code as AWS sent it (SDK v3 puts it in `name`; some errors carry `Code`). */
export function awsErrorCode(error: unknown): string {
  if (unparseableStatus(error) !== undefined) return "UnparseableResponse";
  if (error && typeof error === "object") {
    const e = error as { name?: unknown; Code?: unknown; code?: unknown };
    // The SDK's HTTP handler renames a connection the server closed (ECONNRESET, EPIPE) to
    // TimeoutError; nothing timed out, and the Node code says what happened.
    if (e.name === "TimeoutError" && (e.code === "ECONNRESET" || e.code === "EPIPE")) return e.code;
    for (const v of [e.Code, e.name, e.code]) if (typeof v === "string" && v !== "" && v !== "Error") return v;
  }
  return "Error";
}

/**
 * The endpoint does not offer the operation (HTTP 404, or an unknown-operation error code): a
 * region or an emulator without the API. Not a denial, expired credentials, throttling or a
 * network failure, which `--resume` can fix and which leave what the call reads unknown.
 */
export function isUnavailableOperation(error: unknown): boolean {
  if (unparseableStatus(error) === 404 || httpStatus(error) === 404) return true;
  return /^(UnknownOperation(Exception)?|InvalidAction|NotImplemented|UnsupportedOperation(Exception)?)$/.test(awsErrorCode(error));
}

/** One line: the manifest and the progress output are line-oriented. */
export function awsErrorMessage(error: unknown): string {
  const status = unparseableStatus(error);
  if (status === 401 || status === 403) {
    // A refusal whose body is not an AWS error (a proxy's or a gateway's page, an emulator's
    // plain-text denial): the status says what happened; nothing suggests the operation is missing.
    return `HTTP ${status}: access denied (the answer's body is not an AWS error response, so AWS's reason is unknown)`;
  }
  if (status !== undefined && status >= 200 && status < 300) {
    // A success whose body cannot be read: a transfer cut short or damaged, not a missing operation.
    return `HTTP ${status}: the answer could not be read (cut short or damaged in transfer?); collect --resume makes the call again`;
  }
  if (status === 429) {
    // Throttled (isThrottlingError goes by the status): retried with backoff until the retries ran out.
    return "HTTP 429: too many requests, still throttled after the retries (the answer's body is not an AWS error response); collect --resume makes the call again";
  }
  if (status !== undefined) {
    return `HTTP ${status}: the endpoint's answer is not an AWS API response (does the endpoint implement this operation?)`;
  }
  let message = error instanceof Error ? error.message || awsErrorCode(error) : String(error);
  if (awsErrorCode(error) === "TimeoutError") {
    // The SDK's HTTP handler's wording names its own option; say it in collect's terms.
    message = message
      .replace(/^@smithy\/node-http-handler - /, "")
      .replace("(configured by client requestHandler)", "(--request-timeout, requestTimeoutMs)")
      .replace(/within the configured timeout of (\d+) ms\.?/, "within $1 ms (connectTimeoutMs)");
  }
  return message.replace(/\s*\n\s*/g, " ").trim();
}

function httpStatus(error: unknown): number | undefined {
  const meta = (error as { $metadata?: { httpStatusCode?: unknown } } | null)?.$metadata;
  return typeof meta?.httpStatusCode === "number" ? meta.httpStatusCode : undefined;
}

/**
 * The credentials the calls are signed with have expired: a session token past its expiration
 * (AWS's common errors: ExpiredTokenException, HTTP 403; the query-protocol services IAM and STS,
 * and S3, answer ExpiredToken). The SDK refreshes the credentials it knows the expiration of
 * before they expire; these mean it could not (a session token given as is, in the environment or
 * the shared files), so every later call fails the same way.
 */
export function isExpiredCredentials(error: unknown): boolean {
  return /^(ExpiredToken|ExpiredTokenException)$/.test(awsErrorCode(error));
}

/**
 * The SDK could not get or renew the credentials (CredentialsProviderError, TokenProviderError):
 * mid-run, an SSO session that ended ("The SSO session associated with this profile has expired.
 * To refresh this SSO session run aws sso login …"), a role that can no longer be assumed. No
 * request was sent; every later call fails the same way until the user acts.
 */
export function isUnrenewableCredentials(error: unknown): boolean {
  return /^(CredentialsProviderError|TokenProviderError)$/.test(awsErrorCode(error));
}

export function isThrottlingError(error: unknown): boolean {
  if (!error || typeof error !== "object") return false;
  if (THROTTLING_CODES.has(awsErrorCode(error))) return true;
  const retryable = (error as { $retryable?: { throttling?: unknown } }).$retryable;
  if (retryable?.throttling === true) return true;
  return httpStatus(error) === 429;
}

/**
 * Delay before retry number `retry` (1-based): uniformly random in [0, min(cap, base·2^(retry-1))].
 * `random` returns a number in [0, 1).
 */
export function backoffDelay(retry: number, policy: ThrottleRetryPolicy, random: () => number = Math.random): number {
  const ceiling = Math.min(policy.capMs, policy.baseMs * 2 ** Math.max(0, retry - 1));
  return Math.floor(random() * ceiling);
}
