// The PublicApi Lambda: signup, confirmation, preferences, tracking and the archive (unsubscribe has its own).
import { lambdaEntry } from '../wiring/lambda-entry.ts';
import { apiLambda } from './api.ts';

export const handler = lambdaEntry(apiLambda('public'));
