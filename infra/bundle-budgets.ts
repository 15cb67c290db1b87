// Size budgets of the Lambda bundles (index.mjs, minified), by construct id: npm run synth and the infra tests check them.

/**
 * The Sender starts one more instance per 50 recipients a second of send rate: its cold start must stay short. The
 * API functions render pages and emails (UnsubscribeApi shares their handler and services): MJML and the renderers' libraries make most of their 3.5 MB, and the budget
 * keeps the rest from growing unnoticed.
 */
export const BUNDLE_BUDGETS_KB: Readonly<Partial<Record<string, number>>> = {
  Sender: 300,
  PublicApi: 3800,
  UnsubscribeApi: 3800,
  // Also the dissemination report's PDF: pdfkit (with fontkit and its standard fonts) adds about 900 KB here only;
  // and subscriber imports: csv-parse adds about 20 KB here only.
  EditorApi: 4750,
};
