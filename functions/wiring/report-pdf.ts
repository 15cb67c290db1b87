// The dissemination report's PDF maker (pdfkit, its fonts and the EU emblem), wired only where PDFs are made: the
// EditorApi and the embedded stack. The functions that share the API handler but serve no report leave pdfkit out.
import { readPdfAssets, reportPdf, type PdfAssets } from '../adapters/pdf-report.ts';

export const pdfMaker = { render: reportPdf, readAssets: readPdfAssets };
export type PdfMaker = typeof pdfMaker;
export type { PdfAssets };
