// The main job once, end to end, on a fresh embedded stack: send the sample issue to every demo
// subscriber in their language, then report per country and language what SES accepted.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startSend } from '../functions/domain/sending.ts';
import { getIssue } from '../functions/domain/issues.ts';
import type { ProgressRow } from '../functions/domain/progress.ts';
import { startEmbeddedStack } from './stack.ts';
import { formatTable } from './table.ts';

interface SesStore {
  emails: { destination: { to: string[] }; subject: string }[];
}

export async function runDemo(out: NodeJS.WriteStream = process.stdout): Promise<boolean> {
  const dataDir = mkdtempSync(join(tmpdir(), 'herald-demo-'));
  const stack = await startEmbeddedStack({ dataDir, port: 0, sesPort: 0, dynamoPort: 0 });
  try {
    out.write(`Embedded stack up (data in ${dataDir}); sample content and demo subscribers loaded.\n`);
    const sampleIssueId = stack.sample?.issueId;
    const { countryCodes, languages } = stack.services.reference;
    if (!sampleIssueId) {
      out.write(`The profile of ${stack.profile.shortName} names no sample issue (sampleContent/issue.json).\n`);
      return false;
    }
    out.write(`Rendering "${sampleIssueId}" in ${languages.length} languages and sending it...\n`);
    const { recipients } = await startSend(stack.services, sampleIssueId);
    const progress = setInterval(() => {
      if (out.isTTY) out.write(`\r  batches left: ${stack.queue.depth}   `);
    }, 200);
    await stack.drained();
    clearInterval(progress);
    if (out.isTTY) out.write('\r\x1b[K');

    const issue = await getIssue(stack.services, sampleIssueId);
    const store = (await (await fetch(`${stack.urls.ses}/store`)).json()) as SesStore;
    // Every country and language gets a row, so a segment that received nothing shows as 0.
    const rows = (found: ProgressRow[], keys: readonly string[], label: string) =>
      keys.map((key) => {
        const { recipients = 0, sent = 0, failed = 0 } = found.find((r) => r.key === key) ?? {};
        return { [label]: key, recipients, sent, failed };
      });
    const byCountry = rows(issue.progress.byCountry, countryCodes, 'country');
    const byLanguage = rows(issue.progress.byLanguage, languages, 'language');
    const counts = ['recipients', 'sent', 'failed'];
    out.write(`\nPer country\n${formatTable(byCountry, ['country', ...counts])}\n`);
    out.write(`\nPer language\n${formatTable(byLanguage, ['language', ...counts])}\n`);
    const { total } = issue.progress;
    out.write(
      `\nIssue "${issue.title}" is ${issue.status}: ${total.sent} of ${recipients} recipients sent, ${total.failed} failed; ` +
        `the SES emulator holds ${store.emails.length} emails (${stack.urls.ses}/store).\n`,
    );
    const everySegmentSent = [...byCountry, ...byLanguage].every((row) => row.sent > 0);
    return everySegmentSent && total.sent === recipients && store.emails.length === total.sent;
  } finally {
    await stack.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}
