// The EditorApi Lambda: the routes behind the JWT authorizer (records, issues, sends, statistics).
import { lambdaEntry } from '../wiring/lambda-entry.ts';
import { apiLambda } from './api.ts';

export const handler = lambdaEntry(apiLambda('editor'));
