import { SESv2Client, SendBulkEmailCommand } from '@aws-sdk/client-sesv2';
import { startSesEmulator, portOf } from '../local/emulators.ts';
import { readFileSync } from 'node:fs';
const ses = await startSesEmulator(0);
const client = new SESv2Client({ endpoint: `http://127.0.0.1:${portOf(ses)}`, region: 'eu-central-1', credentials: { accessKeyId: 'x', secretAccessKey: 'x' }, maxAttempts: 1 });
const html = '<html><body>' + 'x'.repeat(55000) + '{{name}} <a href="{{unsubscribeUrl}}">u</a></body></html>';
const cmd = (k: number) => new SendBulkEmailCommand({ FromEmailAddress: 'a@b.example', DefaultContent: { Template: { TemplateContent: { Subject: 'S', Html: html, Text: 'text {{name}}' }, TemplateData: '{}' } },
  BulkEmailEntries: Array.from({ length: 50 }, (_, i) => ({ Destination: { ToAddresses: [`r${k}-${i}@x.example`] }, ReplacementEmailContent: { ReplacementTemplate: { ReplacementTemplateData: JSON.stringify({ name: 'N', unsubscribeUrl: 'http://x/u/abc' }) } }, ReplacementHeaders: [{ Name: 'List-Unsubscribe', Value: '<http://x>' }] })) });
const calls = Number(process.argv[2] ?? 40);
let t = Date.now(); let next = 0;
await Promise.all(Array.from({ length: 4 }, async () => { while (next < calls) { const k = next++; await client.send(cmd(k)); } }));
const ms = Date.now() - t;
console.log(`${calls} calls, ${calls*50} recipients in ${ms} ms: ${(calls*50/ms*1000).toFixed(0)}/s rss ${(process.memoryUsage().rss/1e6).toFixed(0)}MB`);
ses.close();
