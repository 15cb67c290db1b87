// The subscriber import's CSV reader (csv-parse), wired only where imports are served: the EditorApi and the
// embedded stack. The functions that share the API handler but serve no import leave csv-parse out.
import { csvRecords } from '../adapters/csv-records.ts';
import type { CsvReader } from '../domain/subscriber-import.ts';

export const csvReader: CsvReader = csvRecords;
