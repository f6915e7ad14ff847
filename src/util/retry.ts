// Retries an idempotent operation on transient errors with exponential backoff and jitter, for as
// long as a window allows, counted from the operation's first failure: a node restarting or a
// rolling restart of a cluster is ridden through, a store that stays away stops the run. Which errors
// are transient is the caller's decision, a pure function of the error.
import { setTimeout as delay } from "node:timers/promises";

/**
 * The store a retry is for: its side, the name scripts match in log fields, and the name a user reads,
 * the product that answers there (OpenSearch on the elasticsearch side, say).
 */
export interface RetrySource {
  readonly side: string;
  readonly name: string;
}

/** Told of each retry, so that the run can say why it waits: the store, the error, the try, the wait. */
export type RetryListener = (store: RetrySource, error: unknown, attempt: number, delayMs: number) => void;

export interface RetryPolicy {
  /** How long after an operation's first failure it may still be tried again. */
  readonly windowMs: number;
  readonly baseDelayMs: number;
  readonly maxDelayMs: number;
  readonly isTransient: (error: unknown) => boolean;
  readonly signal?: AbortSignal;
  readonly onRetry?: (error: unknown, attempt: number, delayMs: number) => void;
  readonly now?: () => number;
  readonly random?: () => number;
}

/** The wait before try number `attempt + 1`: half to all of a ceiling that doubles up to the maximum. */
export function backoffDelay(
  attempt: number,
  baseDelayMs: number,
  maxDelayMs: number,
  random = Math.random,
): number {
  const ceiling = Math.min(maxDelayMs, baseDelayMs * 2 ** (attempt - 1));
  return Math.round(ceiling / 2 + (random() * ceiling) / 2);
}

/**
 * Whether to try again after try number `attempt` failed with `error`, and after how long; undefined
 * to give up: the error is not transient, or the window since `firstFailureAt` has run out. The last
 * wait is cut short so that the last try falls at the end of the window, not past it.
 */
export function retryDelay(
  error: unknown,
  attempt: number,
  firstFailureAt: number,
  now: number,
  policy: Pick<RetryPolicy, "windowMs" | "baseDelayMs" | "maxDelayMs" | "isTransient" | "random">,
): number | undefined {
  if (!policy.isTransient(error)) return undefined;
  const left = firstFailureAt + policy.windowMs - now;
  if (left <= 0) return undefined;
  return Math.min(left, backoffDelay(attempt, policy.baseDelayMs, policy.maxDelayMs, policy.random));
}

/**
 * A store adapter's retry: its transient errors retried within `windowMs`, backing off from 0.2 s to
 * 5 s, each retry reported to `onRetry` with the store it is for.
 */
export function storeRetry(
  store: RetrySource,
  isTransient: (error: unknown) => boolean,
  settings: { readonly windowMs: number; readonly onRetry?: RetryListener; readonly signal?: AbortSignal },
): <T>(operation: () => Promise<T>) => Promise<T> {
  // One policy for every operation: a store repeats this for each record it writes.
  const policy: RetryPolicy = {
    windowMs: settings.windowMs,
    baseDelayMs: 200,
    maxDelayMs: 5_000,
    isTransient,
    onRetry: (error, attempt, delayMs) => settings.onRetry?.(store, error, attempt, delayMs),
    ...(settings.signal ? { signal: settings.signal } : {}),
  };
  return (operation) => withRetry(operation, policy);
}

export function withRetry<T>(operation: () => Promise<T>, policy: RetryPolicy): Promise<T> {
  // The first try without an async frame of its own: most operations succeed at once, and a store
  // runs one per record it writes.
  let first: Promise<T>;
  try {
    first = operation();
  } catch (error) {
    return retryAfter(error, operation, policy);
  }
  return first.catch((error: unknown) => retryAfter(error, operation, policy));
}

/** The tries after the first, which failed with `error`. */
async function retryAfter<T>(error: unknown, operation: () => Promise<T>, policy: RetryPolicy): Promise<T> {
  const now = policy.now ?? Date.now;
  const firstFailureAt = now();
  let failure = error;
  let at = firstFailureAt;
  for (let attempt = 1; ; attempt++) {
    const wait = retryDelay(failure, attempt, firstFailureAt, at, policy);
    // Once the command is stopping there is no wait to make, and its connections are being closed:
    // the failure is most likely that, and a retry's line would report an outage that is none.
    if (wait === undefined || policy.signal?.aborted === true) throw failure;
    policy.onRetry?.(failure, attempt, wait);
    await delay(wait, undefined, policy.signal ? { signal: policy.signal } : undefined);
    try {
      return await operation();
    } catch (next) {
      failure = next;
      at = now();
    }
  }
}
