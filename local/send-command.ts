// `herald send <issue>`: sends an issue through a running stack's API and follows it to the end with a
// progress bar, then prints what went out per (country, language). With --pause, --resume or --cancel it controls
// the issue's running send instead (a resumed send is followed to its end as well).
import type { ProgressRow } from '../functions/domain/progress.ts';
import { formatTable } from './table.ts';

export interface SendCommandOptions {
  issueId: string;
  url: string;
  token: string;
  allowFallback: boolean;
  out?: { write(text: string): unknown; isTTY?: boolean };
}

export type SendAction = 'pause' | 'resume' | 'cancel';

interface IssueView {
  status: string;
  pauseReason?: string;
  progress: { total: ProgressRow & { pending: number }; bySegment: ProgressRow[] };
}
type Call = (method: string, path: string, body?: unknown) => Promise<Record<string, unknown>>;

const BAR_WIDTH = 30;

export function progressBar(done: number, total: number): string {
  const share = total === 0 ? 1 : Math.min(1, done / total);
  const filled = Math.round(share * BAR_WIDTH);
  return `[${'#'.repeat(filled)}${'.'.repeat(BAR_WIDTH - filled)}] ${done}/${total}`;
}

/** The stack's API, called with the token; a refusal throws with its status and message. */
function client(options: Pick<SendCommandOptions, 'url' | 'token'>): Call {
  return async (method, path, body) => {
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
}

const issuePath = (issueId: string) => `/api/issues/${encodeURIComponent(issueId)}`;
const issuePathId = (path: string) => decodeURIComponent(path.slice(path.lastIndexOf('/') + 1));

export async function runSendCommand(options: SendCommandOptions): Promise<boolean> {
  const out = options.out ?? process.stdout;
  const call = client(options);
  const path = issuePath(options.issueId);
  const started = await call('POST', `${path}/send`, options.allowFallback ? { allowFallback: true } : {});
  out.write(`Sending ${options.issueId} to ${String(started.recipients)} recipients\n`);
  return follow(call, path, out);
}

/** Pauses, resumes or cancels an issue's send; a resumed send is followed to its end. False when it failed. */
export async function runSendControl(
  options: Omit<SendCommandOptions, 'allowFallback'> & { action: SendAction },
): Promise<boolean> {
  const out = options.out ?? process.stdout;
  const call = client(options);
  const path = issuePath(options.issueId);
  const { status } = await call('POST', `${path}/${options.action}`);
  out.write(`Issue ${options.issueId} is ${String(status)}.\n`);
  return options.action === 'resume' && status === 'sending' ? follow(call, path, out) : true;
}

/** Shows the send's progress until it is no longer running, then the table per (country, language). */
async function follow(call: Call, path: string, out: NonNullable<SendCommandOptions['out']>): Promise<boolean> {
  let issue: IssueView;
  for (;;) {
    issue = (await call('GET', path)) as unknown as IssueView;
    const { recipients, sent, failed, skipped, cancelled = 0 } = issue.progress.total;
    const done = sent + failed + skipped + cancelled;
    const line = `${progressBar(done, recipients)}  sent ${sent}, failed ${failed}, skipped ${skipped}${
      cancelled ? `, cancelled ${cancelled}` : ''
    }`;
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
  if (issue.status === 'paused') {
    out.write(
      `Paused: ${issue.pauseReason ?? 'no reason given'}. Resume it with: herald send ${issuePathId(path)} --resume\n`,
    );
  }
  return issue.status === 'sent' && issue.progress.total.failed === 0;
}
