// `npm start` killed in the middle of a send, then started again on the same data: the send finishes, and
// nobody gets the issue twice. The stack runs as a child process (killed with SIGKILL); SES is outside it,
// behind the fault proxy at 100 emails a second, so what was sent before the kill is still counted.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, paginateQuery } from '@aws-sdk/lib-dynamodb';
import { startSesEmulator, type Emulator } from '../../local/emulators.ts';
import { startSesFaultProxy, type FaultProxy } from '../../local/ses-fault-proxy.ts';
import { generateSubscribers } from '../../local/generate-subscribers.ts';
import { fastDynamo } from '../../functions/adapters/fast-dynamo.ts';
import { createDynamoAudienceTallies } from '../../functions/adapters/dynamo-audience-tallies.ts';
import { SAMPLE_ISSUE_ID, secon } from '../support/profile.ts';
import { LOCAL_SES_ACCOUNT } from '../../local/stack.ts';
import { OUTCOME_UNKNOWN } from '../../functions/domain/progress.ts';
import { until } from '../support/until.ts';

const TOKEN = 'resume-test-token-0123456789';
let ses: Emulator | undefined;
let proxy: FaultProxy;
let dataDir: string;
let dynamoPort: number;
let child: ChildProcess | undefined;

const freePort = () =>
  new Promise<number>((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });

/** Starts `npm start`'s entry point and resolves with its API URL once it prints it. */
function startStack(): Promise<string> {
  child = spawn(process.execPath, ['--import', 'tsx', 'local/start.ts'], {
    env: {
      ...process.env,
      PORT: '0',
      DYNAMODB_PORT: String(dynamoPort),
      HERALD_DATA_DIR: dataDir,
      HERALD_ADMIN_TOKEN: TOKEN,
      AWS_ENDPOINT_URL_SES: proxy.url,
      LOG_LEVEL: 'silent',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  return new Promise((resolve, reject) => {
    let output = '';
    child!.stdout!.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      const url = /API +(http:\/\/\S+)\/api\/issues/.exec(output)?.[1];
      if (url) resolve(url);
    });
    child!.once('exit', (code) => reject(new Error(`the stack exited (${code}): ${output}`)));
  });
}

const issue = async (api: string) =>
  (await (
    await fetch(`${api}/api/issues/${SAMPLE_ISSUE_ID}`, { headers: { authorization: `Bearer ${TOKEN}` } })
  ).json()) as {
    status: string;
    progress: { total: { recipients: number; sent: number; failed: number; skipped: number } };
  };

beforeAll(async () => {
  // The emulator answers GetAccount from this process's environment.
  process.env.AWS_SES_ACCOUNT ??= JSON.stringify(LOCAL_SES_ACCOUNT);
  ses = await startSesEmulator(0);
  proxy = await startSesFaultProxy({ target: ses.url, quotaPerSecond: 100 });
  dataDir = mkdtempSync(join(tmpdir(), 'herald-resume-'));
  dynamoPort = await freePort();
});

afterAll(async () => {
  child?.kill('SIGKILL');
  await proxy?.close();
  await ses?.close();
  rmSync(dataDir, { recursive: true, force: true });
});

describe('a send interrupted by a kill', () => {
  it('is finished by the next start, without sending anyone twice', async () => {
    let api = await startStack();
    const dynamoDb = new DynamoDBClient({
      endpoint: `http://127.0.0.1:${dynamoPort}`,
      region: 'eu-central-1',
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    });
    const dynamo = DynamoDBDocumentClient.from(dynamoDb);
    await generateSubscribers(secon, dynamo, 'herald-subscribers', 250, {
      domain: 'resume.example',
      tallies: createDynamoAudienceTallies(dynamo, fastDynamo(dynamoDb), 'herald-issues'),
    });
    const response = await fetch(`${api}/api/issues/${SAMPLE_ISSUE_ID}/send`, {
      method: 'POST',
      headers: { authorization: `Bearer ${TOKEN}` },
    });
    expect(response.status, await response.clone().text()).toBe(202);
    const { recipients } = (await response.json()) as { recipients: number };

    const before = await until(
      () => issue(api),
      (i) => i.progress.total.sent >= 60,
      90,
    );
    expect(before.status).toBe('sending');
    expect(before.progress.total.sent).toBeGreaterThanOrEqual(60);
    child!.kill('SIGKILL');
    await new Promise((resolve) => child!.once('exit', resolve));

    api = await startStack();
    const after = await until(
      () => issue(api),
      (i) => i.status === 'sent',
      90,
    );
    expect(after.status).toBe('sent');

    const emails = (await (await fetch(`${proxy.url}/store`)).json()) as {
      emails: { destination: { to: string[] } }[];
    };
    const received = new Map<string, number>();
    for (const email of emails.emails)
      for (const to of email.destination.to) received.set(to, (received.get(to) ?? 0) + 1);
    expect([...received].filter(([, n]) => n > 1)).toEqual([]);

    const records: { status: string; reason?: string }[] = [];
    const pages = paginateQuery(
      { client: dynamo },
      {
        TableName: 'herald-deliveries',
        KeyConditionExpression: 'issueId = :id',
        ExpressionAttributeValues: { ':id': SAMPLE_ISSUE_ID },
      },
    );
    for await (const page of pages) records.push(...((page.Items ?? []) as typeof records));
    expect(records).toHaveLength(recipients);
    expect(records.filter((r) => !['sent', 'failed', 'skipped'].includes(r.status))).toEqual([]);
    // Only those whose batch was with SES at the kill are in doubt; everyone else was sent exactly once.
    const unknown = records.filter((r) => r.reason === OUTCOME_UNKNOWN).length;
    expect(records.filter((r) => r.status === 'failed' && r.reason !== OUTCOME_UNKNOWN)).toEqual([]);
    expect(received.size).toBeGreaterThanOrEqual(records.filter((r) => r.status === 'sent').length);
    expect(received.size).toBeLessThanOrEqual(records.filter((r) => r.status === 'sent').length + unknown);
    expect(after.progress.total).toMatchObject({
      recipients,
      sent: records.filter((r) => r.status === 'sent').length,
      failed: unknown,
    });
  });
});
