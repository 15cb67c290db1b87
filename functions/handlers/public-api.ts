// The PublicApi Lambda: the routes anyone may call (signup, confirmation, unsubscribe, preferences, tracking, archive).
import { apiLambda } from './api.ts';

export const handler = apiLambda('public');
