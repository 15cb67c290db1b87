// The EditorApi Lambda: the routes behind the JWT authorizer (records, issues, sends, statistics).
import { lambdaEntry } from '../wiring/lambda-entry.ts';
import { pdfMaker } from '../wiring/report-pdf.ts';
import { apiLambda } from './api.ts';

// The one API function that makes the report's PDF carries pdfkit.
export const handler = lambdaEntry(apiLambda('editor', { pdf: pdfMaker }));
