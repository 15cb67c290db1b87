// The PublicApi Lambda: the routes anyone may call (signup, confirmation, unsubscribe, preferences, tracking, archive).
import { lambdaEntry } from '../wiring/lambda-entry.ts';
import { apiLambda } from './api.ts';

export const handler = lambdaEntry(apiLambda('public'));
