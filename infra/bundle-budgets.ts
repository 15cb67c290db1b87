// Size budgets of the Lambda bundles (index.mjs, minified), by construct id: npm run synth and the infra tests check them.

/**
 * The Sender starts one more instance per 50 recipients a second of send rate: its cold start must stay short. The
 * API functions render pages and emails (UnsubscribeApi shares their handler and services): MJML and the renderers' libraries make most of their 3.5 MB, and the budget
 * keeps the rest from growing unnoticed.
 */
export const BUNDLE_BUDGETS_KB: Readonly<Partial<Record<string, number>>> = {
  Sender: 300,
  // The API functions share one router: the admins' subscriber routes, the import's and the send controls' add about
  // 50 KB to each (csv-parse is bundled in the EditorApi only).
  PublicApi: 3900,
  UnsubscribeApi: 3900,
  // Also the dissemination report's PDF: pdfkit (with fontkit and its standard fonts) adds about 900 KB here only.
  EditorApi: 4800,
};
