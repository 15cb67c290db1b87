// Waiting for a condition in the integration tests: a probe asked again until its answer satisfies `done`.
import { vi } from 'vitest';

/**
 * Asks `probe` until `done` holds (vitest's waitFor does the polling), for at most `seconds`; answers the last value,
 * so the caller's own assertion says what was wrong when the time ran out.
 */
export async function until<T>(probe: () => Promise<T>, done: (value: T) => boolean, seconds = 60): Promise<T> {
  let last!: T;
  await vi
    .waitFor(
      async () => {
        last = await probe();
        if (!done(last)) throw new Error('not yet');
      },
      { timeout: seconds * 1000, interval: 100 },
    )
    .catch(() => undefined);
  return last;
}
