/**
 * The one door to AWS. It takes an operation key, refuses anything not in the frozen allow-list
 * (operations.ts), builds the command from the registry (commands.ts) and sends it, retrying
 * throttled calls after the SDK's own retries with backoff. Nothing else in src/collect sends
 * a command; a test scans the sources to keep it so.
 */

import type { AnyCommandConstructor, OpInput, OpOutput } from "./commands.js";
import type { ClientPool } from "./clients.js";
import { CollectError } from "./errors.js";
import { allowedOperation, type OperationKey } from "./operations.js";
import { backoffDelay, isThrottlingError, type ThrottleRetryPolicy } from "./retry.js";

export interface CallContext {
  clients: ClientPool;
  throttle: ThrottleRetryPolicy;
  sleep: (ms: number) => Promise<void>;
  /** Called before each of our own throttling retries (progress). */
  onThrottled?: ((key: OperationKey, retry: number, delayMs: number) => void) | undefined;
  /**
   * Once aborted (Ctrl-C): the call in flight ends (an AbortError), no new unit of work starts
   * (Run.unit), and a running query is stopped.
   */
  signal?: AbortSignal | undefined;
}

export interface CallHow {
  /**
   * Not ended by ctx.signal: the calls that start, poll or stop collect's own Athena/Lake query,
   * which must learn the query's id and state to stop it once interrupted (collect-query.ts).
   * The clients' timeouts still bound them.
   */
  uninterruptible?: boolean;
}

export interface CallResult<K extends OperationKey> {
  output: OpOutput<K>;
  /** HTTP attempts, the SDK's retries included. */
  attempts: number;
}

function sdkAttempts(value: unknown): number {
  const attempts = (value as { $metadata?: { attempts?: unknown } } | null)?.$metadata?.attempts;
  return typeof attempts === "number" && attempts > 0 ? attempts : 1;
}

// The AWS SDK's clients are loaded on the first call, not when the library or the CLI is: they are
// ~0.25 s of startup that every command but collect would pay (and every embedder of the SDK).
let commands: Promise<Readonly<Record<OperationKey, AnyCommandConstructor>>> | undefined;
const loadCommands = () => (commands ??= import("./commands.js").then((m) => m.COMMANDS));

export async function callAws<K extends OperationKey>(
  ctx: CallContext,
  key: K,
  region: string | undefined,
  input: OpInput<K>,
  how: CallHow = {},
): Promise<CallResult<K>> {
  const allowed = allowedOperation(key);
  const Command = allowed ? (await loadCommands())[key] : undefined;
  if (!allowed || !Command) throw new CollectError(`${key} is not in collect's read-only operation allow-list`);
  const signal = how.uninterruptible ? undefined : ctx.signal;
  let attempts = 0;
  for (let retry = 0; ; retry++) {
    try {
      const client = ctx.clients.get(allowed.service, region);
      const output = (await client.send(new Command(input as never), signal ? { abortSignal: signal } : {})) as OpOutput<K>;
      attempts += sdkAttempts(output);
      return { output, attempts };
    } catch (error) {
      attempts += sdkAttempts(error);
      if (!isThrottlingError(error) || retry >= ctx.throttle.retries || signal?.aborted) {
        if (error && typeof error === "object") {
          // Which call failed: a unit that makes several (ListAnalyzers before GetFindingV2) names it (Run.unit).
          Object.assign(error, { collectAttempts: attempts, collectOperation: key });
        }
        throw error;
      }
      const delay = backoffDelay(retry + 1, ctx.throttle);
      ctx.onThrottled?.(key, retry + 1, delay);
      await sleepUnlessAborted(ctx, delay, signal);
    }
  }
}

/** ctx.sleep, cut short by the signal (then it throws the AbortError the SDK would have). */
async function sleepUnlessAborted(ctx: CallContext, ms: number, signal: AbortSignal | undefined): Promise<void> {
  if (signal === undefined) return ctx.sleep(ms);
  let onAbort = () => {};
  const aborted = new Promise<void>((resolve) => {
    onAbort = resolve;
    if (signal.aborted) resolve();
    else signal.addEventListener("abort", onAbort, { once: true });
  });
  try {
    await Promise.race([ctx.sleep(ms), aborted]);
  } finally {
    signal.removeEventListener("abort", onAbort);
  }
  if (signal.aborted) throw Object.assign(new Error("Request aborted"), { name: "AbortError" });
}

/** The operation (`service:Operation`) whose call threw this error, when callAws threw it. */
export function operationOf(error: unknown): string | null {
  const key = (error as { collectOperation?: unknown } | null)?.collectOperation;
  return typeof key === "string" ? key : null;
}

/** Attempts recorded on an error thrown by callAws. */
export function attemptsOf(error: unknown): number {
  const n = (error as { collectAttempts?: unknown } | null)?.collectAttempts;
  return typeof n === "number" ? n : 1;
}
