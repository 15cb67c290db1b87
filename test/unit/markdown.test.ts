// Long texts in the Markdown subset: rendered into the edition (HTML and plain text) and checked at the input.
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { createMjmlRenderer } from '../../functions/adapters/mjml-renderer.ts';
import { buildEditionView, type IssueContent } from '../../functions/domain/edition.ts';
import { markdownHtml } from '../../functions/domain/markdown.ts';
import { longText, markdownLinkTargets } from '../../functions/domain/text-rules.ts';
import type { EditionRenderer } from '../../functions/domain/ports.ts';
import type { Highlight, Issue } from '../../functions/domain/records.ts';
import { SECON_PROFILE_FILE, secon } from '../support/profile.ts';

const assetsDir = fileURLToPath(new URL('../../', import.meta.url));

const issue: Issue = {
  id: 'issue-md',
  title: 'Formatting',
  status: 'draft',
  createdAt: '2026-03-01T00:00:00Z',
  subject: { en: 'News' },
  intro: { en: 'Welcome to **this** issue.\n\nSee [our site](https://secon.example/about) and *enjoy*.' },
  sections: [{ type: 'highlights', items: ['h'] }],
};

const highlight = (summary: string): Highlight => ({
  id: 'h',
  country: 'BG',
  place: 'Haskovo',
  startDate: '2026-05-14',
  title: { en: 'Workshop' },
  summary: { en: summary },
  body: { en: 'Body' },
});

const contentWith = (summary: string): IssueContent => ({
  highlights: new Map([['h', highlight(summary)]]),
  practices: new Map(),
  indicators: new Map(),
});

describe('the Markdown subset', () => {
  it('renders paragraphs, bold, italic, links and lists, and nothing else as markup', () => {
    const html = markdownHtml(
      'A **b** _i_\n\n- [x](https://x.example/)\n- two\n\n# Head\n\n![i](https://x.example/i.png)',
    );
    expect(html).toContain('<p>A <strong>b</strong> <em>i</em></p>');
    expect(html).toContain('<li><a href="https://x.example/">x</a></li>');
    expect(html).toContain('<li>two</li>');
    expect(html).toContain('<p># Head</p>');
    expect(html).not.toContain('<img');
  });

  it('refuses a javascript: link, a link with a placeholder and a relative link at the input, and takes http(s) and mailto', () => {
    const schema = longText(1000);
    for (const text of [
      '[x](javascript:alert(1))',
      '[x]( JAVASCRIPT:alert(1))',
      '[x](https://x.example/{{preferencesUrl}})',
      '[x](data:text/html;base64,PHNjcmlwdD4=)',
      '[x](/relative)',
      '[x](https://user:pass@x.example/)',
    ]) {
      const result = schema.safeParse(text);
      expect(result.success, text).toBe(false);
      expect(result.error?.issues[0]?.message).toMatch(/link/);
    }
    for (const text of ['[x](https://x.example/a?b=1)', '[mail](mailto:info@x.example)', 'plain *text*']) {
      expect(schema.safeParse(text).success, text).toBe(true);
    }
  });

  it('finds the targets of links as markdown-it reads them: titles, angle brackets, nested parentheses, escapes', () => {
    expect(
      markdownLinkTargets(
        '[a](https://a.example/ "t") [b]( <javascript:x> ) [c](https://c.example/(1)) [d\\](data:x) [e](\njavascript:y)',
      ),
    ).toEqual(['https://a.example/', 'javascript:x', 'https://c.example/(1)', 'javascript:y']);
    expect(longText(6000).safeParse('[x](https://ok.example/) and [y](javascript:alert(1))').success).toBe(false);
  });

  it('renders a nested emphasis bomb of the longest text quickly', () => {
    const bombs = ['*'.repeat(6000), '**_'.repeat(2000), '['.repeat(3000) + ']('.repeat(1500), '- '.repeat(3000)];
    const started = performance.now();
    for (const bomb of [...bombs, '](('.repeat(2000), '](](](('.repeat(1000)]) {
      markdownHtml(bomb);
      longText(6000).safeParse(bomb);
    }
    expect(performance.now() - started).toBeLessThan(2000);
  });
});

describe('Markdown in the edition', () => {
  let renderer: EditionRenderer;
  beforeAll(async () => {
    renderer = await createMjmlRenderer(assetsDir, secon, { profileFile: SECON_PROFILE_FILE, validation: 'strict' });
  });
  const render = (summary: string) =>
    renderer.render(buildEditionView(secon, issue, contentWith(summary), 'en', 'https://news.example'));

  it('shows bold, italic, lists and links in the HTML, styled inline for mail clients', async () => {
    const edition = await render('Partners **met** in _Haskovo_:\n\n- mayors\n- [experts](https://experts.example/)');
    const shown = renderer.personalize(edition.html, {});
    expect(shown).toMatch(
      /<p class="body" style="[^"]*margin:0 0 10px[^"]*">Partners <strong>met<\/strong> in <em>Haskovo<\/em>:<\/p>/,
    );
    expect(shown).toMatch(/<ul class="body md" style="[^"]*">\s*<li style="[^"]*">mayors<\/li>/);
    expect(shown).toMatch(
      /<a href="https:\/\/experts\.example\/" class="link md" style="color:#[0-9a-f]{6};[^"]*">experts<\/a>/,
    );
    expect(shown).toContain('Welcome to <strong>this</strong> issue.');
  });

  it('writes the plain-text part with bold as is, links as "text (url)" and lists with "- "', async () => {
    const edition = await render('Partners **met** in _Haskovo_:\n\n- mayors\n- [experts](https://experts.example/)');
    expect(edition.text).toContain('Partners met in Haskovo:');
    expect(edition.text).toContain('- mayors\n- experts (https://experts.example/)');
    expect(edition.text).toContain('See our site (https://secon.example/about) and enjoy.');
    expect(edition.text).not.toMatch(/\*\*|<strong>/);
  });

  it('tracks the links written in Markdown like every other link of the edition', async () => {
    const edition = await render('Read [the report](https://report.example/r?a=1&b=2).');
    expect(edition.links).toContain('https://report.example/r?a=1&b=2');
    expect(edition.links).toContain('https://secon.example/about');
    const position = edition.links!.indexOf('https://report.example/r?a=1&b=2');
    const tracked = renderer.personalize(edition.html, { trackingToken: 'TOKEN' });
    expect(tracked).toContain(`href="https://news.example/t/click/TOKEN.${position}"`);
    expect(tracked).not.toContain('href="https://report.example/');
  });

  it('keeps hostile Markdown inert: a javascript: link stays text, HTML is escaped, placeholders never fill', async () => {
    const edition = await render(
      '[x](javascript:alert(1)) <script>alert(2)</script> [{{preferencesUrl}}](https://x.example/{{preferencesUrl}}) ' +
        '**{{name}}** [a](https://x.example/?q={{#each this}})',
    );
    const shown = renderer.personalize(edition.html, { name: 'Maria', preferencesUrl: 'LEAKED', trackingToken: 't' });
    expect(shown).not.toContain('LEAKED');
    expect(shown.match(/Maria/g)).toHaveLength(1);
    expect(shown).not.toMatch(/<script|href="javascript:/i);
    expect(shown).toContain('[x](javascript:alert(1))');
    expect(shown).toContain('&lt;script&gt;alert(2)&lt;/script&gt;');
    expect(edition.links?.every((link) => /^https:\/\//.test(link) && !link.includes('{'))).toBe(true);
    expect(() => renderer.personalize(edition.html, {})).not.toThrow();
  });
});
