/**
 * Default timeouts of every SDK client (clients.ts), here and not there because options.ts needs
 * them and must not load the AWS SDK (see aws-call.ts on startup cost). Generous for AWS's slowest
 * answers (a large account's IAM inventory page); short enough that a call nobody answers fails
 * and the run goes on.
 */

/** Waiting for a TCP (and TLS) connection, ms. */
export const DEFAULT_CONNECT_TIMEOUT_MS = 10_000;
/** A request without a byte from the endpoint, ms (inactivity, not a cap on the whole call). */
export const DEFAULT_REQUEST_TIMEOUT_MS = 60_000;
