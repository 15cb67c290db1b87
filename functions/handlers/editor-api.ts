// The EditorApi Lambda: the routes behind the JWT authorizer (records, issues, sends, statistics).
import { apiLambda } from './api.ts';

export const handler = apiLambda('editor');
