// DynamoDB's batch calls may leave part of a request unprocessed (throttling, size limits): this sends the rest again,
// with exponential backoff and full jitter as AWS advises, a bounded number of times, then fails.
import { UnprocessedItemsError } from '../domain/errors.ts';

export interface BackoffPolicy {
  /** Calls at most, the first included. */
  attempts: number;
  /** The first pause's ceiling; each next one doubles, up to `maxDelayMs`. */
  baseDelayMs: number;
  maxDelayMs: number;
  sleep: (ms: number) => Promise<void>;
  /** A number in [0, 1): the jitter. */
  random: () => number;
}

export const DEFAULT_BACKOFF: BackoffPolicy = {
  attempts: 8,
  baseDelayMs: 50,
  maxDelayMs: 2_000,
  sleep: (ms) => new Promise<void>((resolve) => setTimeout(resolve, ms)),
  random: Math.random,
};

/**
 * Calls `send` with `items`, then with what each call answers it left unprocessed, until nothing is left. Before
 * each repeat it pauses a random time up to baseDelayMs * 2^(repeat - 1), capped at maxDelayMs.
 */
export async function untilProcessed<T>(
  operation: string,
  items: readonly T[],
  send: (items: readonly T[]) => Promise<readonly T[] | undefined>,
  policy: Partial<BackoffPolicy> = {},
): Promise<void> {
  const { attempts, baseDelayMs, maxDelayMs, sleep, random } = { ...DEFAULT_BACKOFF, ...policy };
  let pending = items;
  for (let attempt = 1; pending.length > 0; attempt += 1) {
    if (attempt > attempts) throw new UnprocessedItemsError({ operation, unprocessed: pending.length, attempts });
    if (attempt > 1) await sleep(random() * Math.min(maxDelayMs, baseDelayMs * 2 ** (attempt - 2)));
    pending = (await send(pending)) ?? [];
  }
}
