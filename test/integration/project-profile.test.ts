// A second project runs from its profile alone: the embedded stack started with RIVERWISE's profile offers its
// languages, countries, regions and topics everywhere and shows nothing of SECON; a bad profile stops `npm start`
// with every invalid field named.
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EmbeddedStack } from '../../local/stack.ts';
import { GENERATED_PER_SEGMENT } from '../../local/seed.ts';
import { sentEmails, startTestStack, type TestStack } from '../support/embedded-stack.ts';
import { RIVERWISE_PROFILE_FILE, ROOT } from '../support/profile.ts';
import { FUNDING_STATEMENTS } from '../../contracts/eu-funding.ts';

/** Anything that would betray SECON's data: its name, a region, a partner, a country only SECON has. */
const SECON = /SECON|Haskovo|Peloponnese|KMOP|Extremadura|secon\.example/i;

let test: TestStack;
let stack: EmbeddedStack;

async function call(method: string, path: string, body?: unknown) {
  const response = await fetch(`${stack.urls.api}${path}`, {
    method,
    headers: {
      authorization: `Bearer ${stack.tokens.editor}`,
      ...(body !== undefined && { 'content-type': 'application/json' }),
    },
    ...(body !== undefined && { body: JSON.stringify(body) }),
  });
  return { status: response.status, text: await response.text() };
}

beforeAll(async () => {
  test = await startTestStack('riverwise', { profileFile: RIVERWISE_PROFILE_FILE });
  stack = test.stack;
});
afterAll(() => test?.dispose());

describe('the embedded stack of a second project', () => {
  it('loads no SECON sample, only generated subscribers in its own countries and languages', async () => {
    expect(stack.profile.shortName).toBe('RIVERWISE');
    expect(stack.seeded).toBe(true);
    const issues = await call('GET', '/api/issues');
    expect(JSON.parse(issues.text)).toEqual({ issues: [] });
    const { reference } = stack.services;
    for (const country of ['AT', 'SK', 'MD', 'IE']) {
      for (const language of ['en', 'de', 'hu', 'ro']) {
        expect(await stack.services.audience.count(country, language), `${country}/${language}`).toBe(
          GENERATED_PER_SEGMENT,
        );
      }
    }
    expect(await stack.services.audience.count('BG', 'bg')).toBe(0);
    expect(reference.languages).toEqual(['en', 'de', 'hu', 'ro']);
  });

  it('offers its languages, countries, regions and topics on the signup page, and nothing of SECON', async () => {
    const html = await (await fetch(`${stack.urls.api}/subscribe?lang=de`)).text();
    expect([...html.matchAll(/<option value="([a-z]{2})" lang=/g)].map((m) => m[1])).toEqual(['en', 'de', 'hu', 'ro']);
    expect([...html.matchAll(/<option value="([A-Z]{2})"/g)].map((m) => m[1]).sort()).toEqual(['AT', 'IE', 'MD', 'SK']);
    expect(html).toContain('<option value="Lower Austria">Niederösterreich</option>');
    expect(html).toContain('Hochwasserschutz');
    expect(html).toContain('RIVERWISE');
    expect(html).not.toMatch(SECON);
  });

  it('gives the editor app its reference data, and refuses a SECON country or language in a signup by field', async () => {
    const reference = await call('GET', '/api/reference');
    expect(reference.text).not.toMatch(SECON);
    const data = JSON.parse(reference.text);
    expect(data.project.shortName).toBe('RIVERWISE');
    expect(data.countries.map((c: { code: string }) => c.code)).toEqual(['AT', 'SK', 'MD', 'IE']);
    const signup = { email: 'anna@example.org', language: 'de', country: 'AT', consent: true };
    for (const [body, field] of [
      [{ ...signup, country: 'BG' }, 'country'],
      [{ ...signup, language: 'bg' }, 'language'],
      [{ ...signup, topics: ['funding'] }, 'topics.0'],
    ] as const) {
      const response = await fetch(`${stack.urls.api}/api/subscribe`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
      expect(response.status).toBe(400);
      expect((await response.json()).error.field).toBe(field);
    }
  });

  it('shows its own logos, funding statement, privacy notice and accessibility statement, and nothing of SECON', async () => {
    const { profile } = stack;
    for (const [path, language] of [
      ['/privacy?lang=hu', 'hu'],
      ['/accessibility?lang=ro', 'ro'],
      ['/archive/de/', 'de'],
    ] as const) {
      const response = await fetch(`${stack.urls.api}${path}`);
      const html = await response.text();
      expect([path, response.status]).toEqual([path, 200]);
      expect(html).toContain(`<p class="statement">${FUNDING_STATEMENTS[profile.funding][language]}</p>`);
      expect(html).toContain('src="/assets/project/riverwise-logo.sample.png"');
      expect(html).toContain('src="/assets/project/danube-programme-logo.sample.png"');
      expect(html).not.toMatch(SECON);
    }
    const privacy = await (await fetch(`${stack.urls.api}/privacy?lang=de`)).text();
    expect(privacy).toContain(profile.privacy.controller.name);
    expect(privacy).toContain(`<li>${profile.privacy.purposes[0]!.de}</li>`);
    expect((await fetch(`${stack.urls.api}/assets/project/riverwise-logo.sample.png`)).status).toBe(200);
    expect((await fetch(`${stack.urls.api}/assets/project/secon-logo.sample.png`)).status).toBe(404);
  });

  it('renders a preview with its own name and partners, and sends from its own sender', async () => {
    const highlight = await call('POST', '/api/highlights', {
      country: 'AT',
      region: 'Lower Austria',
      place: 'Krems an der Donau',
      startDate: '2026-05-12',
      title: { en: 'Floodwall walk in Krems', de: 'Hochwasserschutz-Rundgang in Krems' },
      summary: { en: 'Mayors walked the new floodwall.', de: 'Bürgermeister besichtigten die neue Schutzmauer.' },
      body: { en: 'A morning along the Danube.' },
    });
    expect(highlight.status).toBe(201);
    const { id: recordId } = JSON.parse(highlight.text);
    const issue = await call('POST', '/api/issues', {
      title: 'RIVERWISE news 1',
      subject: { en: 'River towns news', de: 'Neues aus den Flussstädten', hu: 'Folyóparti hírek', ro: 'Știri' },
      intro: { en: 'Welcome.', de: 'Willkommen.', hu: 'Üdvözöljük.', ro: 'Bun venit.' },
      sections: [{ type: 'highlights', items: [recordId] }],
    });
    expect(issue.status).toBe(201);
    const { id } = JSON.parse(issue.text);
    const preview = await call('GET', `/api/issues/${id}/preview?lang=de`);
    expect(preview.status).toBe(200);
    expect(preview.text).toContain('Hochwasserschutz-Rundgang in Krems');
    expect(preview.text).toContain('RIVERWISE');
    expect(preview.text).toContain('Danube Riverside Towns Association');
    expect(preview.text).not.toMatch(SECON);
    expect((await call('GET', `/api/issues/${id}/preview?lang=bg`)).status).toBe(400);

    expect((await call('POST', `/api/issues/${id}/send`, { allowFallback: true })).status).toBe(202);
    await stack.drained();
    const emails = await sentEmails(stack);
    expect(emails).toHaveLength(4 * 4 * GENERATED_PER_SEGMENT);
    const stored = emails as unknown as { from?: string }[];
    expect(new Set(stored.map((e) => e.from))).toEqual(new Set(['RIVERWISE News <news@riverwise.example>']));
  });
});

describe('npm start with a bad profile', () => {
  const dir = mkdtempSync(join(tmpdir(), 'herald-bad-profile-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('exits with code 2 and names each invalid field, starting nothing', async () => {
    const profile = JSON.parse(readFileSync(RIVERWISE_PROFILE_FILE, 'utf8'));
    profile.colours.primary = '#ffee00';
    profile.languages = ['en', 'de', 'hu', 'ro', 'EN', 'tlh'];
    profile.countries[0].language = 'fr';
    const file = join(dir, 'herald.project.json');
    writeFileSync(file, JSON.stringify(profile));
    const run = promisify(execFile)(process.execPath, ['--import', 'tsx', 'local/start.ts'], {
      cwd: ROOT,
      env: { ...process.env, HERALD_PROJECT: file, HERALD_DATA_DIR: join(dir, 'data'), PORT: '0', SES_PORT: '0' },
    });
    const failure = await run.then(
      () => undefined,
      (error: { code: number; stderr: string }) => error,
    );
    expect(failure?.code).toBe(2);
    expect(failure?.stderr).toContain(`The project profile ${file} is invalid:`);
    expect(failure?.stderr).toMatch(/^ {2}colours\.primary: white text on it has a contrast of 1\.\d\d:1/m);
    expect(failure?.stderr).toMatch(/^ {2}languages\.4: must be a language code/m);
    expect(failure?.stderr).toMatch(/^ {2}languages\.5: "tlh" has no locales/m);
    expect(failure?.stderr).toMatch(/^ {2}countries\.0\.language: "fr" is not one of the languages/m);
    // The logos are not beside this copy of the profile.
    expect(failure?.stderr).toMatch(/^ {2}logo: has no file riverwise-logo\.sample\.png/m);
    expect(failure?.stderr).not.toMatch(/running/);
  });
});
