// The UnsubscribeApi Lambda: the unsubscribe link's page and its one-click POST (RFC 8058), alone in their function so
// a flood on the other public routes never holds the concurrency they need.
import { lambdaEntry } from '../wiring/lambda-entry.ts';
import { apiLambda } from './api.ts';

export const handler = lambdaEntry(apiLambda('unsubscribe'));
