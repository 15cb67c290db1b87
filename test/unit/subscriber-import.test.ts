// The subscriber import's parts without a database: CSV records and their lines, encodings, the column mapping, each
// row's checks (hostile ones among them), and the use case over in-memory stores.
import type { TallyIncrement } from '../../functions/domain/audience.ts';
import { describe, expect, it } from 'vitest';
import { csvRecords } from '../../functions/adapters/csv-records.ts';
import {
  checkRow,
  columnsOf,
  csvText,
  importOptions,
  importSubscribers,
  type CsvRecord,
  type ImportDeps,
  type RowContext,
} from '../../functions/domain/subscriber-import.ts';
import { erasureKey, subscriberIdFor, type SubscriberRecord } from '../../functions/domain/subscribers.ts';
import { createTokens } from '../../functions/domain/tokens.ts';
import { fakeGrowthCounters, fakeMailer, fakeSubscribers, fixedClock } from './fakes.ts';
import { secon } from '../support/profile.ts';

const all = async (text: string) => {
  const records: CsvRecord[] = [];
  for await (const record of csvRecords(text)) records.push(record);
  return records;
};

describe('CSV records', () => {
  it('numbers each record by the line it starts on, the header being line 1', async () => {
    const records = await all('email,name\r\na@x.org,"Two\nlines"\r\nb@x.org,one\r\n\r\nc@x.org,after a blank\r\n');
    expect(records.map((r) => r.line)).toEqual([1, 2, 4, 6]);
    expect(records[1]).toEqual({ line: 2, cells: ['a@x.org', 'Two\nlines'] });
  });

  it('reports a malformed record in its place, and which lines an unclosed quote swallowed', async () => {
    const records = await all('email,name\nfirst@x.org,ok\n"bad"x,q\nok@x.org,fine\nlast@x.org,ok\n');
    expect(records[1]).toEqual({ line: 2, cells: ['first@x.org', 'ok'] });
    expect(records.slice(2)).toEqual([
      { line: 3, error: expect.stringMatching(/quote/i) },
      { line: 4, error: expect.stringMatching(/lines 4 to \d+ were not read/) },
    ]);
  });

  it('stops a quoted field that never ends, whatever its size', async () => {
    const records = await all(`email,name\nx@x.org,"${'garbage '.repeat(200_000)}\n`);
    expect(records.some((r) => 'error' in r)).toBe(true);
    expect(records.every((r) => !('cells' in r) || r.cells.join('').length <= 64 * 1024)).toBe(true);
  });
});

describe('the encoding', () => {
  it('takes UTF-8 with or without a byte-order mark', () => {
    expect(csvText(Buffer.from('\ufeffemail\nä@x.org\n'))).toBe('email\nä@x.org\n');
    expect(csvText('\ufeffemail\n')).toBe('email\n');
  });

  it('refuses Windows-1252 and UTF-16 files, naming the line', () => {
    expect(() => csvText(Buffer.from('email,name\nzoe@x.org,Zo\xe9\n', 'latin1'))).toThrow(/not UTF-8 \(line 2\)/);
    expect(() => csvText(Buffer.from('\ufeffemail', 'utf16le'))).toThrow(/UTF-16/);
    expect(() => csvText('email\nbad\ufffd\n')).toThrow(/line 2/);
  });
});

describe('columns', () => {
  const consented = importOptions({ mode: 'consented' });

  it('finds columns by name whatever their case, spaces, underscores and hyphens', () => {
    const columns = columnsOf(['E-Mail', 'LANGUAGE', 'Country ', 'consent date', 'Consent_Source'], consented);
    expect([...columns]).toEqual([
      ['email', 0],
      ['language', 1],
      ['country', 2],
      ['consent_date', 3],
      ['consent_source', 4],
    ]);
  });

  it('follows a mapping, and names a missing column or a mapping to nothing', () => {
    const mapped = importOptions({ mode: 'confirm', 'map.email': 'Adresse', 'map.country': 'Land' });
    expect(columnsOf(['Adresse', 'language', 'Land'], mapped).get('email')).toBe(0);
    expect(() => columnsOf(['Mail address', 'language', 'country'], consented)).toThrow(
      expect.objectContaining({ field: 'email' }),
    );
    expect(() => columnsOf(['email', 'country'], consented)).toThrow(expect.objectContaining({ field: 'language' }));
    expect(() => columnsOf(['email', 'country'], importOptions({ mode: 'confirm', language: 'en' }))).not.toThrow();
    expect(() => columnsOf(['email'], mapped)).toThrow(expect.objectContaining({ field: 'map.email' }));
  });

  it('refuses an unknown option and mode', () => {
    expect(() => importOptions({ mode: 'all' })).toThrow(expect.objectContaining({ field: 'mode' }));
    expect(() => importOptions({ mode: 'confirm', 'map.phone': 'x' })).toThrow(
      expect.objectContaining({ field: 'map.phone' }),
    );
    expect(importOptions({ mode: 'confirm', dryRun: '1' }).dryRun).toBe(true);
  });
});

describe('a row', () => {
  const header = [
    'email',
    'name',
    'language',
    'country',
    'region',
    'topics',
    'consent_date',
    'consent_source',
    'tracking',
  ];
  const ctx = (mode: 'consented' | 'confirm' = 'consented'): RowContext => {
    const options = importOptions({ mode });
    return {
      reference: secon,
      options,
      columns: columnsOf(header, options),
      now: fixedClock.now(),
      importedBy: 'admin@example.org',
      textVersion: () => '2026-11',
    };
  };
  const row = (cells: Partial<Record<string, string>>, mode?: 'consented' | 'confirm') =>
    checkRow(
      ctx(mode),
      7,
      header.map((h) => cells[h] ?? ''),
    );
  const good = {
    email: ' Ana@Example.RO ',
    language: 'ro',
    country: 'RO',
    consent_date: '2024-05-01',
    consent_source: 'fair',
  };

  it('normalizes the address as signup does and takes names for codes', () => {
    const result = row({
      ...good,
      language: 'Romanian',
      country: 'Romania',
      region: 'harghita',
      topics: 'Events; FUNDING',
      tracking: 'yes',
    });
    expect(result).toMatchObject({
      line: 7,
      record: {
        id: subscriberIdFor('Ana@example.ro'),
        email: 'Ana@example.ro',
        language: 'ro',
        country: 'RO',
        region: 'Harghita',
        topics: ['events', 'funding'],
        tracking: true,
        status: 'confirmed',
        consent: { at: '2024-05-01T00:00:00.000Z', form: 'import', source: 'fair', importedBy: 'admin@example.org' },
      },
    });
  });

  it('records no tracking without a choice, and keeps a formula as inert text', () => {
    const result = row({ ...good, name: '=HYPERLINK("http://evil.example","x")' });
    expect(result).toMatchObject({ record: { tracking: false, name: '=HYPERLINK("http://evil.example","x")' } });
  });

  it('names every field at fault, with the line', () => {
    const errors = row({
      email: 'nobody',
      name: 'Two\nlines',
      language: 'xx',
      country: 'RO',
      region: 'Haskovo',
      topics: 'events;gossip',
      consent_date: '14/03/2025',
      tracking: 'maybe',
    });
    expect(Array.isArray(errors) && errors.map((e) => [e.line, e.field])).toEqual([
      [7, 'email'],
      [7, 'name'],
      [7, 'language'],
      [7, 'region'],
      [7, 'topics'],
      [7, 'tracking'],
      [7, 'consent_date'],
      [7, 'consent_source'],
    ]);
  });

  it('needs no consent date when each person is asked to confirm', () => {
    expect(row({ email: 'a@x.org', language: 'en', country: 'BE' }, 'confirm')).toMatchObject({
      record: { status: 'pending', consent: { form: 'import', textVersion: '2026-11' } },
    });
  });
});

describe('importing', () => {
  const tokens = createTokens(Buffer.from('a-test-key-of-at-least-32-characters'), fixedClock);
  function setup(maxSendRate = 10) {
    const records = new Map<string, SubscriberRecord>();
    const marks = new Set<string>();
    const { mailer, calls } = fakeMailer();
    const growth = fakeGrowthCounters();
    const tallied: TallyIncrement[][] = [];
    let acquired = 0;
    const deps: ImportDeps = {
      subscribers: fakeSubscribers(records),
      erasures: { all: async () => new Set(marks) },
      growth,
      tallies: { add: async (increments) => void tallied.push(increments) },
      pacer: { acquire: async (n) => void (acquired += n) },
      quota: { quota: async () => ({ maxSendRate, max24HourSend: 1000, sentLast24Hours: 0 }) },
      reference: secon,
      clock: fixedClock,
      csvRecords,
      tokens,
      mailer,
      messages: {
        confirmationEmail: async (language, { confirmUrl }) => ({
          subject: language,
          html: confirmUrl,
          text: confirmUrl,
        }),
        consentText: () => ({ version: '2026-11', text: 'consent' }),
      },
      publicUrl: 'https://news.example',
    };
    return { deps, records, marks, calls, growth, tallied, acquired: () => acquired };
  }
  const file = 'email,language,country\nana@x.ro,ro,RO\nhelga@x.de,de,DE\n';

  it('imports once: the same file again changes nothing', async () => {
    const { deps, records, growth, tallied } = setup();
    const options = importOptions({ mode: 'consented', consentDate: '2024-01-01', source: 'fair' });
    expect(await importSubscribers(deps, file, options, 'admin')).toMatchObject({ imported: 2, rows: 2 });
    const before = structuredClone([...records]);
    const again = await importSubscribers(deps, file, options, 'admin');
    expect(again).toMatchObject({ imported: 0, skippedCount: 2 });
    expect([...records]).toEqual(before);
    // Each confirmed subscriber counted once in the growth of their segments, in one write.
    expect(growth.increments.filter((i) => i.dimension === 'language').map((i) => [i.key, i.counts.net])).toEqual([
      ['ro', 1],
      ['de', 1],
    ]);
    // And once in the audience's tallies (what sends plan from), summed into one write for the file.
    expect(tallied).toHaveLength(1);
    expect(tallied[0]!.map((t) => [t.country, t.status, t.n])).toEqual([
      ['RO', 'confirmed', 1],
      ['DE', 'confirmed', 1],
    ]);
  });

  it('never brings back an erased address, in any spelling of its mailbox', async () => {
    const { deps, records, marks } = setup();
    marks.add(erasureKey(tokens, 'a.n.a+news@gmail.com'));
    const report = await importSubscribers(
      deps,
      'email,language,country\nana@gmail.com,ro,RO\n',
      importOptions({ mode: 'confirm' }),
      'admin',
    );
    expect(report.skipped).toEqual([{ line: 2, reason: 'erased', message: expect.any(String) }]);
    expect(records.size).toBe(0);
  });

  it('takes out again someone erased while the import ran', async () => {
    const { deps, records, marks } = setup();
    let reads = 0;
    // The marks as the import starts are empty; the erasure lands before it ends.
    deps.erasures = {
      all: async () => {
        reads += 1;
        if (reads > 1) marks.add(erasureKey(tokens, 'helga@x.de'));
        return new Set(marks);
      },
    };
    const options = importOptions({ mode: 'consented', consentDate: '2024-01-01', source: 'fair' });
    const report = await importSubscribers(deps, file, options, 'admin');
    expect(report).toMatchObject({ imported: 1, skipped: [{ line: 3, reason: 'erased' }] });
    expect([...records.values()].map((r) => r.email)).toEqual(['ana@x.ro']);
  });

  it('mails each new address once, paced, and refuses a campaign larger than one request can mail', async () => {
    const { deps, calls, acquired, records } = setup(0.1);
    const report = await importSubscribers(deps, file, importOptions({ mode: 'confirm' }), 'admin');
    expect(report).toMatchObject({ imported: 2, mailed: 2 });
    expect(calls.map((c) => c.entries[0]!.to)).toEqual(['ana@x.ro', 'helga@x.de']);
    expect(acquired()).toBe(2);

    const big = `email,language,country\n${Array.from({ length: 3 }, (_, i) => `p${i}@x.be,en,BE`).join('\n')}\n`;
    await expect(importSubscribers(deps, big, importOptions({ mode: 'confirm' }), 'admin')).rejects.toThrow(
      /mails at most 2: split the file, nothing was imported/,
    );
    expect(records.size).toBe(2);
  });

  it('previews the first rows in a dry run and writes nothing', async () => {
    const { deps, records } = setup();
    const report = await importSubscribers(deps, file, importOptions({ mode: 'confirm', dryRun: 'true' }), 'admin');
    expect(report).toMatchObject({ dryRun: true, imported: 2, mailed: 0 });
    expect(report.preview).toEqual([
      { line: 2, email: 'ana@x.ro', language: 'ro', country: 'RO' },
      { line: 3, email: 'helga@x.de', language: 'de', country: 'DE' },
    ]);
    expect(records.size).toBe(0);
  });
});
