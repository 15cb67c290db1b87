import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { createMjmlRenderer } from '../../functions/adapters/mjml-renderer.ts';
import { buildEditionView, localize, type IssueContent } from '../../functions/domain/edition.ts';
import { translationStatus } from '../../functions/domain/issue-editing.ts';
import type { EditionRenderer } from '../../functions/domain/ports.ts';
import { recipientLinks, createTokens } from '../../functions/domain/tokens.ts';
import { trackingData, untrackedData } from '../../functions/domain/tracking.ts';
import type { Issue } from '../../functions/domain/records.ts';
import { LANGUAGES, RIVERWISE_PROFILE_FILE, SECON_PROFILE_FILE, riverwise, secon } from '../support/profile.ts';

const assetsDir = fileURLToPath(new URL('../../', import.meta.url));

const issue: Issue = {
  id: 'issue-7',
  title: 'Test issue',
  status: 'draft',
  createdAt: '2025-03-01T00:00:00Z',
  subject: { en: 'SECON news', bg: 'Новини от SECON' },
  intro: { en: 'Welcome <script>alert(1)</script> {{name}}', bg: 'Добре дошли' },
  sections: [
    { type: 'highlights', items: ['workshop'] },
    { type: 'indicators', items: ['meetings'] },
  ],
};

const content: IssueContent = {
  highlights: new Map([
    [
      'workshop',
      {
        id: 'workshop',
        country: 'BG',
        place: 'Haskovo',
        startDate: '2024-05-14',
        endDate: '2024-05-15',
        participants: 22,
        title: { en: 'Interregional workshop', bg: 'Междурегионален семинар' },
        summary: { en: 'Partners met in Haskovo.' },
        body: { en: 'Body' },
      },
    ],
  ]),
  practices: new Map(),
  indicators: new Map([
    ['meetings', { id: 'meetings', label: { en: 'Stakeholder meetings' }, target: 7, achieved: 7 }],
  ]),
};

describe('edition view', () => {
  it('falls back to English and says so when a text lacks the language', () => {
    expect(localize({ en: 'Hello' }, 'bg', 'en')).toEqual({ text: 'Hello', fallback: true });
    expect(localize({ en: 'Hello', bg: 'Здравей' }, 'bg', 'en')).toEqual({ text: 'Здравей', fallback: false });
  });

  it('leaves out a stored link that is no longer allowed (from before links were checked)', () => {
    const workshop = content.highlights.get('workshop')!;
    const stored = {
      ...content,
      highlights: new Map([
        [
          'workshop',
          { ...workshop, link: 'javascript:alert(1)', image: { url: 'https://x.example/{{name}}', alt: { en: 'x' } } },
        ],
      ]),
    };
    const section = buildEditionView(secon, issue, stored, 'en', 'https://news.example').sections[0];
    expect(section?.type === 'highlights' && section.items[0]?.link).toBe(
      'https://news.example/archive/issue-7/en/workshop',
    );
    expect(section?.type === 'highlights' && section.items[0]).not.toHaveProperty('image');
  });

  it("links a record without a link of its own to its page in the archive, in the edition's language", () => {
    const section = buildEditionView(secon, issue, content, 'bg', 'https://news.example').sections[0];
    expect(section?.type === 'highlights' && section.items[0]?.link).toBe(
      'https://news.example/archive/issue-7/bg/workshop',
    );
    const linked = new Map([['workshop', { ...content.highlights.get('workshop')!, link: 'https://secon.example/w' }]]);
    const own = buildEditionView(secon, issue, { ...content, highlights: linked }, 'bg', 'https://news.example');
    expect(own.sections[0]?.type === 'highlights' && own.sections[0].items[0]?.link).toBe('https://secon.example/w');
  });

  it("counts a record image's missing alt in a language as a translation gap of that language", () => {
    const image = { url: 'https://img.example/h.jpg', alt: { en: 'Partners', bg: 'Партньори' } };
    const withImage = {
      ...content,
      highlights: new Map([['workshop', { ...content.highlights.get('workshop')!, image }]]),
    };
    const status = translationStatus(['en', 'bg', 'de'], issue, withImage);
    expect(status.bg?.gaps).not.toContain('highlight workshop: image alt');
    expect(status.de?.gaps).toContain('highlight workshop: image alt');
  });

  it('names a city once when the place already names it', () => {
    const workshop = { ...content.highlights.get('workshop')!, place: 'Cáceres, Spain', city: 'Cáceres' };
    const view = buildEditionView(
      secon,
      issue,
      { ...content, highlights: new Map([['workshop', workshop]]) },
      'en',
      'https://news.example',
    );
    expect(view.sections[0]?.type === 'highlights' && view.sections[0].items[0]?.place).toBe('Cáceres, Spain');
  });

  it('formats dates in the edition language', () => {
    const view = buildEditionView(secon, issue, content, 'de', 'https://news.example');
    const section = view.sections[0];
    expect(section?.type === 'highlights' && section.items[0]?.dates).toBe('14.–15. Mai 2024');
  });
});

describe('MJML renderer', () => {
  let renderer: EditionRenderer;
  beforeAll(async () => {
    renderer = await createMjmlRenderer(assetsDir, secon, { profileFile: SECON_PROFILE_FILE, validation: 'strict' });
  });

  it('renders the Bulgarian edition in Bulgarian with lang set and English fallbacks labelled', async () => {
    const edition = await renderer.render(buildEditionView(secon, issue, content, 'bg', 'https://news.example'));
    expect(edition.subject).toBe('Новини от SECON');
    expect(edition.html).toContain('lang="bg"');
    expect(edition.html).toContain('Междурегионален семинар');
    expect(edition.html).toContain('22 участници');
    expect(edition.html).toMatch(/<div lang="en"><p class="body"[^>]*>Partners met in Haskovo\.<\/p>\s*<\/div>/);
    expect(edition.html).toMatch(/<span class="fallback" lang="bg"[^>]*>на английски<\/span>/);
    expect(edition.html).toContain('https://news.example/archive/issue-7/bg');
    expect(edition.text).toContain('Междурегионален семинар');
    expect(edition.text).toMatch(/Partners met in Haskovo\.\s+\(на английски\)/);
  });

  it('shows a record image across the 600 px layout, from its own (high-density) file, with the alt in the language', async () => {
    const workshop = content.highlights.get('workshop')!;
    const image = {
      url: 'https://img.example/haskovo@2x.jpg',
      alt: { en: 'Partners at a table', bg: 'Партньори на маса' },
    };
    const withImage = { ...content, highlights: new Map([['workshop', { ...workshop, image }]]) };
    const [bg, de] = await renderer.renderAll(
      ['bg', 'de'].map((language) => buildEditionView(secon, issue, withImage, language, 'https://news.example')),
    );
    const img = (html: string) => /<img[^>]*src="https:\/\/img\.example\/haskovo@2x\.jpg"[^>]*>/.exec(html)?.[0] ?? '';
    expect(img(bg!.html)).toContain('alt="Партньори на маса"');
    expect(img(bg!.html)).toContain('width="552"');
    expect(img(bg!.html)).toContain('height="auto"');
    expect(img(bg!.html)).toMatch(/style="[^"]*width:100%/);
    // German has no alt of its own: the English one stands in (and the editor lists it as a translation gap).
    expect(img(de!.html)).toContain('alt="Partners at a table"');
  });

  it('escapes user text so a <script> in a record renders as text', async () => {
    const edition = await renderer.render(buildEditionView(secon, issue, content, 'en', 'https://news.example'));
    expect(edition.html).not.toContain('<script>');
    expect(edition.html).toContain('&lt;script&gt;');
  });

  it('leaves the greeting for SES to fill per recipient, with a fallback for subscribers without a name', async () => {
    const edition = await renderer.render(buildEditionView(secon, issue, content, 'en', 'https://news.example'));
    expect(renderer.personalize(edition.html, { name: 'Maria' })).toContain('Hello Maria,');
    expect(renderer.personalize(edition.html, { name: '' })).toContain('Hello,');
    // The intro's text "{{name}}" stays text: shown as written, never filled in.
    const shown = renderer.personalize(edition.html, { name: 'Maria' }).replaceAll('\u200b', '');
    expect(shown).toContain('&lt;/script&gt; {{name}}');
  });

  it('keeps braces and backslashes in any text from opening, closing or escaping a placeholder', async () => {
    const tricky = { en: 'ends with a brace {' };
    const view = buildEditionView(
      secon,
      { ...issue, subject: { en: '{{#each x}}' }, intro: { en: '\\' } },
      { ...content, indicators: new Map([['m', { id: 'm', label: tricky, target: 1, achieved: 0 }]]) },
      'en',
      'https://news.example',
    );
    const edition = await renderer.render(view);
    expect(() => renderer.personalize(edition.html, { name: 'Maria' })).not.toThrow();
    expect(() => renderer.personalize(edition.subject, {})).not.toThrow();
    expect(renderer.personalize(edition.subject, {}).replaceAll('\u200b', '')).toBe('{{#each x}}');
  });

  it('gives a measured recipient the pixel and tracked links, and one who did not consent plain links and no pixel, from one edition', async () => {
    const edition = await renderer.render(buildEditionView(secon, issue, content, 'en', 'https://news.example'));
    const deps = {
      tokens: createTokens(Buffer.from('a-test-key-of-at-least-32-characters')),
      publicUrl: 'https://u.example',
    };
    const mail = (subscriberId: string, tracking: Record<string, string>) =>
      renderer.personalize(edition.html, { name: 'Ana', ...recipientLinks(deps, subscriberId, issue.id), ...tracking });
    const measured = mail('sub-a', trackingData(deps, issue.id, 'sub-a'));
    const plain = mail('sub-b', untrackedData());

    expect(measured).toMatch(/<img[^>]*src="https:\/\/news\.example\/t\/open\/[^"]+"/);
    expect(measured).toContain('href="https://news.example/t/click/');
    expect(measured).not.toContain('href="https://news.example/archive/issue-7/en"');
    expect(plain).not.toContain('/t/');
    expect(plain).toContain('href="https://news.example/archive/issue-7/en"');
    // Both keep the recipient's own unsubscribe and preferences links.
    for (const [html, id] of [
      [measured, 'sub-a'],
      [plain, 'sub-b'],
    ] as const) {
      const own = recipientLinks(deps, id, issue.id);
      expect(html).toContain(`href="${own.unsubscribeUrl}"`);
      expect(html).toContain(`href="${own.preferencesUrl}"`);
    }
    // The stored edition (what the size check weighs) holds both variants; the plain mail is never larger.
    expect(Buffer.byteLength(plain)).toBeLessThan(Buffer.byteLength(edition.html));
  });

  it("renders all 11 languages with their own lang attribute, each under Gmail's 102 KB clipping limit", async () => {
    for (const language of LANGUAGES) {
      const edition = await renderer.render(buildEditionView(secon, issue, content, language, 'https://news.example'));
      expect(edition.html).toContain(`lang="${language}"`);
      expect(Buffer.byteLength(edition.html)).toBeLessThan(102 * 1024);
    }
  });
  it("names the profile's project and partners, and another project's edition nothing of SECON", async () => {
    const own = await renderer.render(buildEditionView(secon, issue, content, 'en', 'https://news.example'));
    expect(own.html).toContain('KMOP - Social Action and Innovation Centre');
    const theirs = await createMjmlRenderer(assetsDir, riverwise, {
      profileFile: RIVERWISE_PROFILE_FILE,
      validation: 'strict',
    });
    const river: Issue = { ...issue, subject: { en: 'River news', de: 'Flussnachrichten' }, intro: { en: 'Hello' } };
    const highlight = { ...content.highlights.get('workshop')!, country: 'AT', place: 'Krems' };
    const edition = await theirs.render(
      buildEditionView(
        riverwise,
        river,
        { ...content, highlights: new Map([['workshop', { ...highlight, summary: { en: 'Towns met.' } }]]) },
        'de',
        'https://news.example',
      ),
    );
    expect(edition.html).toContain('RIVERWISE');
    expect(edition.html).toContain('Danube Riverside Towns Association');
    expect(edition.html).not.toMatch(/SECON|KMOP|Haskovo/);
  });

  it('renders all languages at once exactly as it renders each alone', async () => {
    const views = LANGUAGES.map((language) =>
      buildEditionView(secon, issue, content, language, 'https://news.example'),
    );
    const together = await renderer.renderAll(views);
    for (const [i, view] of views.entries()) {
      expect(together[i], view.language).toEqual(await renderer.render(view));
    }
  });
});
