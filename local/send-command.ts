// `herald send <issue>`: sends an issue through a running stack's API and follows it to the end with a
// progress bar, then prints what went out per (country, language).
import type { ProgressRow } from '../functions/domain/progress.ts';
import { formatTable } from './table.ts';

export interface SendCommandOptions {
  issueId: string;
  url: string;
  token: string;
  allowFallback: boolean;
  out?: { write(text: string): unknown; isTTY?: boolean };
}

interface IssueView {
  status: string;
  progress: { total: ProgressRow & { pending: number }; bySegment: ProgressRow[] };
}

const BAR_WIDTH = 30;

export function progressBar(done: number, total: number): string {
  const share = total === 0 ? 1 : Math.min(1, done / total);
  const filled = Math.round(share * BAR_WIDTH);
  return `[${'#'.repeat(filled)}${'.'.repeat(BAR_WIDTH - filled)}] ${done}/${total}`;
}

export async function runSendCommand(options: SendCommandOptions): Promise<boolean> {
  const out = options.out ?? process.stdout;
  const call = async (method: string, path: string, body?: unknown) => {
    const response = await fetch(`${options.url}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${options.token}`,
        ...(body !== undefined && { 'content-type': 'application/json' }),
      },
      ...(body !== undefined && { body: JSON.stringify(body) }),
    });
    const payload = (await response.json()) as Record<string, unknown> & { error?: { message: string } };
    if (!response.ok) throw new Error(`${response.status}: ${payload.error?.message ?? 'request failed'}`);
    return payload;
  };
  const path = `/api/issues/${encodeURIComponent(options.issueId)}`;
  const started = await call('POST', `${path}/send`, options.allowFallback ? { allowFallback: true } : {});
  out.write(`Sending ${options.issueId} to ${String(started.recipients)} recipients\n`);
  let issue: IssueView;
  for (;;) {
    issue = (await call('GET', path)) as unknown as IssueView;
    const { recipients, sent, failed, skipped } = issue.progress.total;
    const line = `${progressBar(sent + failed + skipped, recipients)}  sent ${sent}, failed ${failed}, skipped ${skipped}`;
    out.write(out.isTTY ? `\r${line}` : `${line}\n`);
    if (issue.status !== 'sending') break;
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  if (out.isTTY) out.write('\n');
  const rows = issue.progress.bySegment.map((row) => ({
    segment: row.key,
    recipients: row.recipients,
    sent: row.sent,
    failed: row.failed,
    skipped: row.skipped,
  }));
  out.write(
    `\n${formatTable(rows, ['segment', 'recipients', 'sent', 'failed', 'skipped'])}\n\nIssue is ${issue.status}.\n`,
  );
  return issue.status === 'sent' && issue.progress.total.failed === 0;
}
