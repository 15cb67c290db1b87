// `herald send` against a running embedded stack: it starts the send and follows it to the end.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { progressBar, runSendCommand } from '../../local/send-command.ts';
import { SAMPLE_ISSUE_ID } from '../../local/seed.ts';
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
