// `herald send` against a running embedded stack: it starts the send and follows it to the end.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { progressBar, runSendCommand } from '../../local/send-command.ts';
import { runStatsCommand } from '../../local/stats-command.ts';
import { SAMPLE_ISSUE_ID } from '../support/profile.ts';
import { startTestStack, type TestStack } from '../support/embedded-stack.ts';

let test: TestStack;
beforeAll(async () => {
  test = await startTestStack('cli');
});
afterAll(() => test?.dispose());

describe('herald send', () => {
  it('draws the share of recipients done as a bar', () => {
    expect(progressBar(15, 60)).toBe(`[${'#'.repeat(8)}${'.'.repeat(22)}] 15/60`);
    expect(progressBar(0, 0)).toContain('0/0');
  });

  it('sends an issue, shows its progress and ends with the table per country and language', async () => {
    let output = '';
    const ok = await runSendCommand({
      issueId: SAMPLE_ISSUE_ID,
      url: test.stack.urls.api,
      token: test.stack.tokens.editor,
      allowFallback: false,
      out: { write: (text: string) => (output += text) },
    });
    expect(ok).toBe(true);
    expect(output).toMatch(/Sending secon-newsletter-5 to \d+ recipients/);
    expect(output).toMatch(/\[#{30}\] (\d+)\/\1/);
    expect(output).toMatch(/^BG\/bg +\d+ +\d+ +0 +0$/m);
    expect(output).toContain('Issue is sent.');
  });

  it('fails with the API’s reason when the issue cannot be sent', async () => {
    await expect(
      runSendCommand({
        issueId: SAMPLE_ISSUE_ID,
        url: test.stack.urls.api,
        token: test.stack.tokens.editor,
        allowFallback: false,
        out: { write: () => true },
      }),
    ).rejects.toThrow(/409: .*is sent/);
  });
});

describe('herald stats', () => {
  const run = async (options: { by: string; token?: string; issueId?: string; csv?: boolean }) => {
    let output = '';
    await runStatsCommand({
      issueId: options.issueId ?? SAMPLE_ISSUE_ID,
      by: options.by,
      url: test.stack.urls.api,
      token: options.token ?? test.stack.adminToken,
      csv: options.csv ?? false,
      out: { write: (text: string) => (output += text) },
    });
    return output;
  };

  it('prints the sent issue per region with the totals', async () => {
    // SES's events (deliveries) arrive after the send, on their own queue.
    await test.stack.drained();
    const output = await run({ by: 'region' });
    expect(output).toMatch(/^region +recipients +sent +delivered/m);
    expect(output).toMatch(/^BG\/Haskovo +4 +4 +4 /m);
    expect(output).toMatch(/^total +\d+/m);
  });

  it('shows a coordinator their region per language, and CSV on request', async () => {
    const output = await run({ by: 'language', token: test.stack.tokens.coordinator });
    expect(output).toContain('in BG/Haskovo');
    expect(output).toMatch(/^language +recipients/m);
    expect(await run({ by: 'country', csv: true })).toMatch(/^Country,Recipients,Sent,/);
  });

  it('fails naming the unknown grouping or issue', async () => {
    await expect(run({ by: 'city' })).rejects.toThrow(/400: by: /);
    await expect(run({ by: 'region', issueId: 'no-such-issue' })).rejects.toThrow(/404: .*no-such-issue/);
  });
});
