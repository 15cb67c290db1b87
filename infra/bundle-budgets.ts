// Size budgets of the Lambda bundles (index.mjs, minified), by construct id: npm run synth and the infra tests check them.

/** The Sender starts one more instance per 50 recipients a second of send rate: its cold start must stay short. */
export const BUNDLE_BUDGETS_KB: Readonly<Partial<Record<string, number>>> = { Sender: 300 };
