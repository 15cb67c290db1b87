// The EditorApi Lambda: the routes behind the JWT authorizer (records, issues, sends, statistics).
import { lambdaEntry } from '../wiring/lambda-entry.ts';
import { pdfMaker } from '../wiring/report-pdf.ts';
import { csvReader } from '../wiring/import-csv.ts';
import { apiLambda } from './api.ts';

// The one API function that makes the report's PDF carries pdfkit, and the one that imports subscribers csv-parse.
export const handler = lambdaEntry(apiLambda('editor', { pdf: pdfMaker, csv: csvReader }));
