// Subscriber import on the embedded stack: both modes, the dry run, twice the same file, addresses that must stay
// out (unsubscribed, suppressed, erased), confirmation emails per language, and row errors with their lines.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EmbeddedStack } from '../../local/stack.ts';
import { sentEmails, startTestStack, type TestStack } from '../support/embedded-stack.ts';
import { subscriberIdFor } from '../../functions/domain/subscribers.ts';
import { manageToken } from '../../functions/domain/tokens.ts';
import type { ImportReport } from '../../functions/domain/subscriber-import.ts';
import { runImportCommand } from '../../local/import-command.ts';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

let test: TestStack;
let stack: EmbeddedStack;

async function importCsv(
  csv: string | Buffer,
  query: Record<string, string>,
  options: { token?: string; type?: string } = {},
) {
  const response = await fetch(`${stack.urls.api}/api/subscribers/import?${new URLSearchParams(query)}`, {
    method: 'POST',
    headers: {
      authorization: `Bearer ${options.token ?? stack.adminToken}`,
      'content-type': options.type ?? 'text/csv; charset=utf-8',
    },
    body: typeof csv === 'string' ? csv : new Blob([new Uint8Array(csv)]),
  });
  const json = (await response.json()) as ImportReport & { error?: { code: string; field?: string; message: string } };
  return { status: response.status, json };
}
const subscriber = (email: string) => stack.services.subscribers.get(subscriberIdFor(email));
const mailTo = async (address: string) => (await sentEmails(stack)).filter((e) => e.destination.to.includes(address));

const consented = { mode: 'consented' };

beforeAll(async () => {
  test = await startTestStack('subscriber-import');
  stack = test.stack;
});

afterAll(async () => {
  await test?.dispose();
});

describe('consented elsewhere', () => {
  const csv = [
    'E-Mail,Name,Language,Country,Region,Topics,Consent Date,Consent Source,Consent Proof',
    'Maria.Ivanova@Example.BG,Мария Иванова,bg,BG,Haskovo,events;funding,2025-03-14,SECON conference Sofia,sheet-12',
    'not-an-address,Nobody,en,BG,,,2025-03-14,form,',
    '"hans@example.de","Hans\nMüller",de,Germany,,,2025-03-14,form,',
    'formula@example.org,"=HYPERLINK(""http://evil.example"",""x"")",English,BG,,,2025-03-14,form,',
    'late@example.org,Late,en,XX,,,2030-01-01,,',
  ].join('\r\n');

  it('creates confirmed subscribers with the consent record the file gives, and reports bad rows by line and field', async () => {
    const { status, json } = await importCsv(csv, consented);
    expect(status).toBe(200);
    expect(json).toMatchObject({ mode: 'consented', dryRun: false, rows: 5, imported: 2, mailed: 0 });
    const maria = await subscriber('Maria.Ivanova@example.bg');
    expect(maria).toMatchObject({
      email: 'Maria.Ivanova@example.bg',
      status: 'confirmed',
      language: 'bg',
      country: 'BG',
      region: 'Haskovo',
      topics: ['events', 'funding'],
      tracking: false,
      consent: {
        at: '2025-03-14T00:00:00.000Z',
        form: 'import',
        source: 'SECON conference Sofia',
        proof: 'sheet-12',
        importedBy: 'admin',
      },
    });
    expect(maria?.consent.importedAt).toBe(maria?.createdAt);
    expect(json.errors).toEqual([
      { line: 3, field: 'email', message: expect.any(String) },
      { line: 4, field: 'name', message: expect.stringContaining('one line') },
      // Hans's quoted name runs over lines 4 and 5: the next row is on line 6.
      { line: 7, field: 'country', message: expect.any(String) },
      { line: 7, field: 'consent_date', message: 'is in the future' },
      { line: 7, field: 'consent_source', message: expect.any(String) },
    ]);
    expect(await subscriber('hans@example.de')).toBeUndefined();
  });

  it('stores a formula in a name as the text it is', async () => {
    expect((await subscriber('formula@example.org'))?.name).toBe('=HYPERLINK("http://evil.example","x")');
  });

  it('changes nothing when the same file comes again', async () => {
    const before = await subscriber('Maria.Ivanova@example.bg');
    const { json } = await importCsv(csv, consented);
    expect(json).toMatchObject({ imported: 0, skippedCount: 2 });
    expect(json.skipped.map((s) => [s.line, s.reason])).toEqual([
      [2, 'subscribed'],
      [6, 'subscribed'],
    ]);
    expect(await subscriber('Maria.Ivanova@example.bg')).toEqual(before);
  });

  it('takes the consent date and source for the whole file, and a column mapping', async () => {
    const { json } = await importCsv('Address,Lang,Land\nfile@example.org,de,DE\n', {
      ...consented,
      'map.email': 'Address',
      'map.language': 'Lang',
      'map.country': 'Land',
      consentDate: '2024-06-01',
      source: 'Mailchimp list 2024',
    });
    expect(json).toMatchObject({ imported: 1, errorCount: 0 });
    expect(json.columns).toMatchObject({ email: 'Address', language: 'Lang', country: 'Land', name: null });
    expect((await subscriber('file@example.org'))?.consent).toMatchObject({ source: 'Mailchimp list 2024' });
  });
});

describe('the dry run', () => {
  it('previews the rows as mapped and every error, and writes nothing', async () => {
    const csv = 'email,language,country,tracking\ndry@example.org,pl,PL,yes\ndry2@example.org,xx,PL,maybe\n';
    const { status, json } = await importCsv(csv, {
      mode: 'consented',
      dryRun: 'true',
      consentDate: '2025-01-01',
      source: 'x',
    });
    expect(status).toBe(200);
    expect(json).toMatchObject({ dryRun: true, rows: 2, imported: 1 });
    expect(json.preview[0]).toEqual({
      line: 2,
      email: 'dry@example.org',
      language: 'pl',
      country: 'PL',
      tracking: 'yes',
    });
    expect(json.errors.map((e) => [e.line, e.field])).toEqual([
      [3, 'language'],
      [3, 'tracking'],
    ]);
    expect(await subscriber('dry@example.org')).toBeUndefined();
  });
});

describe('addresses that stay out', () => {
  it('skips unsubscribed, suppressed and erased addresses, saying why', async () => {
    const base = 'email,language,country\n';
    await importCsv(`${base}gone@example.org,en,BE\nbounced@example.org,en,BE\nerased@example.org,en,BE\n`, {
      ...consented,
      consentDate: '2025-01-01',
      source: 'x',
    });
    await stack.services.subscribers.end(subscriberIdFor('gone@example.org'), {
      status: 'unsubscribed',
      fields: { unsubscribedAt: new Date().toISOString() },
      unless: [],
    });
    await stack.services.subscribers.end(subscriberIdFor('bounced@example.org'), {
      status: 'suppressed',
      fields: { suppressedAt: new Date().toISOString(), suppressionReason: 'bounce' },
      unless: [],
    });
    const token = manageToken(stack.services.tokens, subscriberIdFor('erased@example.org'));
    expect((await fetch(`${stack.urls.api}/api/preferences/${token}`, { method: 'DELETE' })).status).toBe(204);

    // The erased person's address is nowhere in the table: only a keyed hash marks them.
    const { json } = await importCsv(
      `${base}gone@example.org,en,BE\nbounced@example.org,en,BE\nErased@Example.org,en,BE\n`,
      {
        mode: 'confirm',
      },
    );
    expect(json).toMatchObject({ imported: 0, mailed: 0 });
    expect(json.skipped.map((s) => [s.line, s.reason])).toEqual([
      [2, 'unsubscribed'],
      [3, 'suppressed'],
      [4, 'erased'],
    ]);
    expect(await subscriber('erased@example.org')).toBeUndefined();
    expect((await subscriber('gone@example.org'))?.status).toBe('unsubscribed');
  });
});

describe('asking to confirm', () => {
  const csv = 'email,language,country\nana@example.ro,ro,RO\nhelga@example.de,de,DE\nana@example.ro,ro,RO\n';

  it('creates pending subscribers and mails each the confirmation in their language, once', async () => {
    const { json } = await importCsv(csv, { mode: 'confirm' });
    expect(json).toMatchObject({ imported: 2, mailed: 2, skippedCount: 1 });
    expect(json.skipped).toEqual([{ line: 4, reason: 'duplicate', message: expect.any(String) }]);
    expect(await subscriber('ana@example.ro')).toMatchObject({
      status: 'pending',
      tracking: false,
      consent: { form: 'import', importedBy: 'admin' },
    });
    const [toHelga] = await mailTo('helga@example.de');
    expect(toHelga?.subject).toMatch(/Bitte bestätigen/);
    const [toAna] = await mailTo('ana@example.ro');
    expect(toAna?.subject).not.toBe(toHelga?.subject);

    const again = await importCsv(csv, { mode: 'confirm' });
    expect(again.json).toMatchObject({ imported: 0, mailed: 0 });
    expect(again.json.skipped.map((s) => s.reason)).toEqual(['pending', 'pending', 'duplicate']);
    expect(await mailTo('ana@example.ro')).toHaveLength(1);
    expect(await mailTo('helga@example.de')).toHaveLength(1);
  });
});

describe('bad files', () => {
  it('refuses a file that is not UTF-8, naming the line', async () => {
    const latin1 = Buffer.from('email,language,country,name\nzoe@example.org,en,BE,Zo\xe9\n', 'latin1');
    const { status, json } = await importCsv(latin1, { mode: 'confirm' });
    expect(status).toBe(400);
    expect(json.error).toMatchObject({ field: 'body', message: expect.stringMatching(/not UTF-8 \(line 2\)/) });
    expect(await subscriber('zoe@example.org')).toBeUndefined();
  });

  it('takes a UTF-8 file with a byte-order mark', async () => {
    const { json } = await importCsv('\ufeffemail,language,country\nbom@example.org,en,BE\n', {
      ...consented,
      dryRun: '1',
      consentDate: '2025-01-01',
      source: 'x',
    });
    expect(json).toMatchObject({ imported: 1, errorCount: 0 });
  });

  it('refuses a file without an email column, and garbage, before reading any row', async () => {
    const missing = await importCsv('name,language,country\nx,en,BE\n', consented);
    expect(missing.status).toBe(400);
    expect(missing.json.error?.field).toBe('email');
    const garbage = await importCsv(
      Buffer.from(Array.from({ length: 100_000 }, (_, i) => (i * 7919) % 256)),
      consented,
      {
        type: 'application/octet-stream',
      },
    );
    expect(garbage.status).toBe(400);
    expect(garbage.json.error?.field).toBe('body');
  });

  it('refuses an unknown mode and a mapping that names no column', async () => {
    expect((await importCsv('email\n', { mode: 'everyone' })).json.error?.field).toBe('mode');
    const mapped = await importCsv('email,language,country\n', { mode: 'confirm', 'map.email': 'Mail' });
    expect(mapped.json.error?.field).toBe('map.email');
  });

  it('is for admins only', async () => {
    const { status } = await importCsv('email,language,country\n', { mode: 'confirm' }, { token: stack.editorToken });
    expect(status).toBe(403);
  });
});

describe('herald import subscribers', () => {
  it('sends a large file in parts cut between records and reports lines as they are in the file', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'herald-import-cli-')), 'list.csv');
    const rows = [
      'email,name,language,country',
      'cli1@example.org,"Ann\nOnTwoLines",en,BE',
      'cli2@example.org,Bo,en,BE',
      'cli3@example.org,Cy,en,XX',
      'cli4@example.org,Di,en,BE',
    ];
    writeFileSync(file, `\ufeff${rows.join('\n')}\n`);
    let printed = '';
    const ok = await runImportCommand({
      file,
      url: stack.urls.api,
      token: stack.adminToken,
      query: { mode: 'consented', consentDate: '2025-01-01', source: 'cli test' },
      partBytes: 60,
      out: { write: (text: string) => (printed += text) },
    });
    expect(ok).toBe(false);
    expect(printed).toMatch(/part 1\/\d+: /);
    expect(printed).toMatch(/part 4\/4: 4 rows read/);
    // Ann's name runs over lines 2 and 3, so cli3 is on line 5 of the file (in its part, line 2).
    expect(printed).toContain('line 2: name:');
    expect(printed).toContain('line 5: country:');
    expect(printed).toContain('4 rows: 2 imported, 0 skipped, 2 with errors.');
    expect((await subscriber('cli4@example.org'))?.status).toBe('confirmed');
  });
});
