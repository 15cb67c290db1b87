// Start-up work done once per warm Lambda instance, except when it fails: a failure is not kept, so the next call
// starts again instead of failing every invocation the instance serves (a Secrets Manager hiccup at a cold start).

/**
 * `start` run on the first call and its promise shared by every call while it runs and after it succeeds. A
 * rejected start, or a value `keep` refuses (a read that found nothing yet), is forgotten: the next call runs
 * `start` again.
 */
export function onceStarted<T>(start: () => Promise<T>, keep: (value: T) => boolean = () => true): () => Promise<T> {
  let started: Promise<T> | undefined;
  return () => {
    if (started) return started;
    // An async wrapper: a `start` that throws before its first await rejects like one that fails later.
    const attempt = (async () => start())();
    started = attempt;
    const forget = () => {
      if (started === attempt) started = undefined;
    };
    attempt.then((value) => keep(value) || forget(), forget);
    return attempt;
  };
}
