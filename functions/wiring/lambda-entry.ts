// What every Lambda's exported handler does around its work: the invocation's context on each log line (request id,
// cold start), and its metrics flushed as one EMF line when it ends, also when it fails.
import type { Context } from 'aws-lambda';
import { addLambdaContext } from './logger.ts';
import { flushMetrics } from './metrics.ts';

/** `handle` as a Lambda handler; the context is optional, so tests and scripts can call it with an event alone. */
export function lambdaEntry<E, R>(handle: (event: E) => Promise<R>): (event: E, context?: Context) => Promise<R> {
  return async (event, context) => {
    if (context) addLambdaContext(context);
    try {
      return await handle(event);
    } finally {
      flushMetrics();
    }
  };
}
