// The embedded stack for tests: a fresh temporary data directory, free ports, and a stop that cleans up.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startEmbeddedStack, type EmbeddedStack, type StackOptions } from '../../local/stack.ts';

export interface TestStack {
  readonly stack: EmbeddedStack;
  dataDir: string;
  /** Stops and starts again on the same data, as a restart of `npm start` would. */
  restart(): Promise<EmbeddedStack>;
  /** Stops the stack and deletes its data. */
  dispose(): Promise<void>;
}

export async function startTestStack(name: string, options: Partial<StackOptions> = {}): Promise<TestStack> {
  const dataDir = mkdtempSync(join(tmpdir(), `herald-${name}-`));
  const start = () => startEmbeddedStack({ dataDir, port: 0, sesPort: 0, dynamoPort: 0, ...options });
  let stack = await start();
  return {
    get stack() {
      return stack;
    },
    dataDir,
    async restart() {
      await stack.stop();
      stack = await start();
      return stack;
    },
    async dispose() {
      await stack.stop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

export interface StoredEmail {
  messageId: string;
  destination: { to: string[] };
  subject: string;
  body: { html?: string; text?: string };
  headers?: { name: string; value: string }[];
}

/** What the SES emulator has accepted so far. */
export async function sentEmails(stack: EmbeddedStack): Promise<StoredEmail[]> {
  return ((await (await fetch(`${stack.urls.ses}/store`)).json()) as { emails: StoredEmail[] }).emails;
}
