// The edition as a reader gets it, in every language of both sample profiles: the EU emblem (its alt translated) and
// the funding statement, the logos, headings in order and in the language, `lang` on fallen-back text, 4.5:1 contrast
// in light and dark mode, size, plain text.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as cheerio from 'cheerio';
import type { AnyNode, Element } from 'domhandler';
import Color from 'color';
import { beforeAll, describe, expect, it } from 'vitest';
import { FUNDING_STATEMENTS } from '../../contracts/eu-funding.ts';
import { createMjmlRenderer } from '../../functions/adapters/mjml-renderer.ts';
import { buildEditionView, type IssueContent } from '../../functions/domain/edition.ts';
import type { Edition, EditionRenderer } from '../../functions/domain/ports.ts';
import type { Highlight, Indicator, Issue, Practice } from '../../functions/domain/records.ts';
import { referenceOf, type Reference } from '../../functions/domain/reference.ts';
import {
  RIVERWISE_PROFILE_FILE,
  ROOT,
  SECON_PROFILE_FILE,
  SECON_SAMPLE,
  riverwise,
  secon,
} from '../support/profile.ts';

const PUBLIC_URL = 'https://news.example';
const sample = <T>(file: string): T => JSON.parse(readFileSync(join(SECON_SAMPLE.dir, file), 'utf8')) as T;
const byId = <T extends { id: string }>(records: T[]) => new Map(records.map((r) => [r.id, r]));
interface IssueLocale {
  emblemAlt: string;
  inLanguage: string;
  sections: Record<string, string>;
  footer: { disclaimer: string };
}
const localeOf = (language: string) =>
  JSON.parse(readFileSync(join(ROOT, 'locales', language, 'issue.json'), 'utf8')) as IssueLocale;

const issue: Issue = { ...sample<Omit<Issue, 'status' | 'createdAt'>>('issue.json'), status: 'draft', createdAt: '' };
const [firstHighlight] = issue.sections.find((s) => s.type === 'highlights')!.items;
const highlights = byId(sample<Highlight[]>('highlights.json'));
// One record with an image, its alt written in English and Bulgarian only.
highlights.set(firstHighlight!, {
  ...highlights.get(firstHighlight!)!,
  image: { url: 'https://images.example/report@2x.jpg', alt: { en: 'The report’s cover', bg: 'Корицата на доклада' } },
});
const content: IssueContent = {
  highlights,
  practices: byId(sample<Practice[]>('practices.json')),
  indicators: byId(sample<Indicator[]>('indicators.json')),
};

/** What a reader sees: the recipient's values filled in as SES does. */
const shown = (renderer: EditionRenderer, edition: Edition) =>
  cheerio.load(
    renderer.personalize(edition.html, {
      name: 'Maria',
      unsubscribeUrl: `${PUBLIC_URL}/unsubscribe/t`,
      preferencesUrl: `${PUBLIC_URL}/preferences/t`,
    }),
  );

async function renderSample(reference: Reference, profileFile: string, theIssue = issue, theContent = content) {
  const renderer = await createMjmlRenderer(ROOT, reference, { profileFile, validation: 'strict' });
  const views = reference.languages.map((language) =>
    buildEditionView(reference, theIssue, theContent, language, PUBLIC_URL),
  );
  const editions = await renderer.renderAll(views);
  return { renderer, editions: new Map(editions.map((e) => [e.language, e])) };
}

// --- Contrast, as a mail client that honours the styles would paint it -------------------------------------------

type Declarations = Map<string, string>;
const declarations = (text: string): Declarations =>
  new Map(
    text
      .split(';')
      .map((d) => d.split(':'))
      .filter((parts) => parts.length >= 2)
      .map(([name, ...value]) => [name!.trim().toLowerCase(), value.join(':').replace('!important', '').trim()]),
  );

/** The rules inside `@media (prefers-color-scheme: dark) { ... }` of the edition's style sheets. */
function darkRules($: cheerio.CheerioAPI): { selector: string; declarations: Declarations }[] {
  const css = $('style').text();
  const start = css.indexOf('@media (prefers-color-scheme: dark)');
  expect(start, 'a prefers-color-scheme: dark block').toBeGreaterThanOrEqual(0);
  const open = css.indexOf('{', start);
  let depth = 0;
  let end = open;
  for (; end < css.length; end += 1) {
    if (css[end] === '{') depth += 1;
    if (css[end] === '}' && --depth === 0) break;
  }
  return [...css.slice(open + 1, end).matchAll(/([^{}]+)\{([^{}]*)\}/g)].map(([, selector, body]) => ({
    selector: selector!.trim(),
    declarations: declarations(body!),
  }));
}

const colourIn = (value: string | undefined) => {
  const found = value?.match(/#[0-9a-f]{6}\b|#[0-9a-f]{3}\b|\b(?:white|black)\b/i)?.[0];
  return found;
};

/** Each visible text of the edition with its colour and background, in light or dark mode. */
function paintedTexts($: cheerio.CheerioAPI, mode: 'light' | 'dark') {
  const rules = mode === 'dark' ? darkRules($) : [];
  const inline = (el: Element, name: string) => declarations($(el).attr('style') ?? '').get(name);
  /** The first of `el` and its ancestors that sets `find`: a dark rule (which wins, being !important) or inline. */
  const resolve = (
    el: Element,
    find: (el: Element, fromRule: (name: string) => string | undefined) => string | undefined,
  ) => {
    for (let node: Element | null = el; node && node.type === 'tag'; node = node.parent as Element | null) {
      const current = node;
      const fromRule = (name: string) =>
        rules
          .filter((r) => $(current).is(r.selector))
          .find((r) => r.declarations.has(name))
          ?.declarations.get(name);
      const value = find(current, fromRule);
      if (value) return value;
    }
    return undefined;
  };
  const texts: { text: string; colour: string; background: string; where: string }[] = [];
  $('body')
    .find('*')
    .addBack()
    .contents()
    .each((_, node: AnyNode) => {
      if (node.type !== 'text' || node.data.trim() === '' || !node.parent) return;
      const parent = node.parent as Element;
      if ($(parent).closest('[style*="display:none"]').length > 0) return;
      const colour = resolve(parent, (el, rule) => colourIn(rule('color')) ?? colourIn(inline(el, 'color')));
      const background = resolve(
        parent,
        (el, rule) =>
          colourIn(rule('background-color')) ??
          colourIn(inline(el, 'background-color')) ??
          colourIn(inline(el, 'background')) ??
          colourIn($(el).attr('bgcolor')),
      );
      texts.push({
        text: node.data.trim().slice(0, 40),
        colour: colour ?? '#000000',
        background: background ?? '#ffffff',
        where: `${parent.tagName}.${$(parent).attr('class') ?? ''}`,
      });
    });
  return texts;
}

function expectReadable($: cheerio.CheerioAPI) {
  for (const mode of ['light', 'dark'] as const) {
    const texts = paintedTexts($, mode);
    expect(texts.length).toBeGreaterThan(50);
    const unreadable = texts
      .map((t) => ({ ...t, ratio: Number(Color(t.colour).contrast(Color(t.background)).toFixed(2)) }))
      .filter((t) => t.ratio < 4.5);
    expect(unreadable, mode).toEqual([]);
  }
}

// --- The tests -----------------------------------------------------------------------------------------------------

describe.each([
  { name: 'SECON', reference: secon, profileFile: SECON_PROFILE_FILE },
  { name: 'RIVERWISE', reference: riverwise, profileFile: RIVERWISE_PROFILE_FILE },
])("$name's sample issue", ({ reference, profileFile }) => {
  let renderer: EditionRenderer;
  let editions: Map<string, Edition>;
  beforeAll(async () => {
    ({ renderer, editions } = await renderSample(reference, profileFile));
  });
  const { profile } = reference;
  const source = reference.sourceLanguage;

  describe.each(reference.languages)('in %s', (language) => {
    const edition = () => editions.get(language)!;
    const locale = localeOf(language);

    it('shows the EU emblem with a localized alt, and its white-bordered file for dark mode', () => {
      const $ = shown(renderer, edition());
      const emblem = $('img.emblem');
      expect(emblem.attr('src')).toBe(`${PUBLIC_URL}/assets/eu/eu-emblem@3x.png`);
      expect(emblem.attr('alt')).toBe(locale.emblemAlt);
      // Translated, not English left in place.
      if (language !== 'en') expect(emblem.attr('alt')).not.toBe(localeOf('en').emblemAlt);
      expect([emblem.attr('width'), emblem.attr('height')]).toEqual(['75', '50']);
      const dark = $('img.emblem-dark');
      expect(dark.attr('src')).toBe(`${PUBLIC_URL}/assets/eu/eu-emblem-white-border@3x.png`);
      expect(dark.attr('alt')).toBe(locale.emblemAlt);
    });

    it("writes the profile's funding statement beside the emblem, as text in the edition's language", () => {
      const $ = shown(renderer, edition());
      const statement = $('img.emblem').closest('tr').find('.statement');
      expect(statement.text()).toBe(FUNDING_STATEMENTS[profile.funding][language as 'en']);
      expect(statement.find('[lang]')).toHaveLength(0);
    });

    it("shows the programme's and the project's logos, none larger than the emblem", () => {
      const $ = shown(renderer, edition());
      const logos = $('img[src*="/assets/project/"]');
      expect(logos.map((_, img) => $(img).attr('src')).get()).toEqual([
        `${PUBLIC_URL}/assets/project/${profile.programme.logo.split('/').pop()}`,
        `${PUBLIC_URL}/assets/project/${profile.logo.split('/').pop()}`,
      ]);
      expect(logos.map((_, img) => $(img).attr('alt')).get()).toEqual([profile.programme.name, profile.shortName]);
      for (const logo of logos.get()) expect(Number($(logo).attr('height'))).toBeLessThanOrEqual(50);
    });

    it('gives the title as h1, sections as h2 and records as h3, in order', () => {
      const $ = shown(renderer, edition());
      const levels = $('h1, h2, h3')
        .map((_, h) => Number(h.tagName[1]))
        .get();
      expect(levels[0]).toBe(1);
      expect(levels.filter((l) => l === 1)).toHaveLength(1);
      // No level skipped on the way down.
      levels.forEach((level, i) => i > 0 && expect(level).toBeLessThanOrEqual(levels[i - 1]! + 1));
      expect(levels.filter((l) => l === 2)).toHaveLength(issue.sections.length);
      const subject = issue.subject[language] ?? issue.subject[source]!;
      expect($('h1 > span[lang], h1').first().text()).toContain(subject);
      // Each section named in the edition's language; each highlight and practice its own h3 (indicators are rows).
      expect(
        $('h2')
          .map((_, h) => $(h).text().trim())
          .get(),
      ).toEqual(issue.sections.map((section) => locale.sections[section.type]));
      const records = issue.sections.filter((section) => section.type !== 'indicators').flatMap((s) => s.items);
      expect($('h3')).toHaveLength(records.length);
    });

    it("gives a fallen-back text its own lang and a label naming the source language in the edition's language", () => {
      const $ = shown(renderer, edition());
      const labels = $('.fallback');
      if (language === source) {
        expect(labels).toHaveLength(0);
        expect($('body [lang]').not('[role=article]')).toHaveLength(0);
        return;
      }
      expect(labels.length).toBeGreaterThan(0);
      const sourceName = new Intl.DisplayNames([language], { type: 'language' }).of(source)!;
      for (const label of labels.get()) {
        expect($(label).attr('lang')).toBe(language);
        expect($(label).text()).toBe(locale.inLanguage.replace('{{language}}', sourceName));
        expect($(label).prev().attr('lang') ?? $(label).prev().find('[lang]').attr('lang')).toBe(source);
      }
    });

    it('keeps every text at 4.5:1 against its background, in light and in dark mode', () => {
      expectReadable(shown(renderer, edition()));
    });

    it("stays under Gmail's 102 KB clipping limit", () => {
      expect(Buffer.byteLength(edition().html)).toBeLessThan(102 * 1024);
    });

    it('links each record without a link of its own to its page in the archive, and the footer to the privacy notice and accessibility statement', () => {
      const $ = shown(renderer, edition());
      const hrefs = $('a')
        .map((_, a) => $(a).attr('href'))
        .get();
      for (const id of issue.sections.flatMap((s) => s.items)) {
        const record = content.highlights.get(id) ?? content.practices.get(id);
        const own = record && ('link' in record ? record.link : 'links' in record ? record.links?.[0] : undefined);
        if (record && !own) expect(hrefs).toContain(`${PUBLIC_URL}/archive/${issue.id}/${language}/${id}`);
      }
      expect(hrefs).toContain(`${PUBLIC_URL}/privacy?lang=${language}`);
      expect(hrefs).toContain(`${PUBLIC_URL}/accessibility?lang=${language}`);
      expect(hrefs).toContain(`${PUBLIC_URL}/unsubscribe/t`);
      expect(hrefs).toContain(`${PUBLIC_URL}/preferences/t`);
    });

    it('gives the author disclaimer in the footer, apart from the statement, naming the programme', () => {
      const $ = shown(renderer, edition());
      const text = locale.footer.disclaimer.replace('{{programme}}', profile.programme.name);
      expect($('.foot').last().text()).toBe(text);
      expect($('.statement').text()).not.toContain(text);
    });

    it('writes the plain text with underlined headings, the indicators in aligned columns and no runs of blank lines', () => {
      const { text } = edition();
      expect(text).not.toMatch(/\n\s*\n\s*\n/);
      const lines = text.split('\n');
      const subject = issue.subject[language] ?? issue.subject[source]!;
      const title = lines.findIndex((line) => subject.startsWith(line.trim()) && line.trim().length > 10);
      expect(lines.slice(title).find((line) => /^=+$/.test(line))).toBeDefined();
      expect(lines.filter((line) => /^-{3,}$/.test(line))).toHaveLength(issue.sections.length);
      // Each indicator's progress ("4 of 7") starts in the same column.
      const $ = shown(renderer, edition());
      const progress = $('td.progress')
        .map((_, td) => $(td).text().trim())
        .get();
      expect(progress).toHaveLength(issue.sections.find((s) => s.type === 'indicators')!.items.length);
      const columns = progress.map((p) => {
        const line = lines.find((l) => l.trimEnd().endsWith(` ${p}`))!;
        expect(line, p).toBeDefined();
        return line.trimEnd().length - p.length;
      });
      expect(new Set(columns).size).toBe(1);
    });
  });

  it("uses the profile's font first, with fallbacks", () => {
    const { html } = editions.get(source)!;
    expect(html).toContain(`font-family:${profile.font === 'Trebuchet' ? "'Trebuchet MS'" : profile.font}, `);
  });
});

describe('the edition in dark mode', () => {
  let $: cheerio.CheerioAPI;
  beforeAll(async () => {
    const { renderer, editions } = await renderSample(secon, SECON_PROFILE_FILE);
    $ = shown(renderer, editions.get('de')!);
  });

  it('declares light and dark colour schemes', () => {
    expect($('meta[name="color-scheme"]').attr('content')).toBe('light dark');
  });

  it('swaps the emblem for its white-bordered file, never inverting or filtering it', () => {
    const rules = darkRules($);
    const rule = (selector: string) => rules.find((r) => r.selector === selector)?.declarations;
    expect(rule('.emblem')?.get('display')).toBe('none');
    expect(rule('.emblem-dark')?.get('display')).toBe('block');
    expect($('style').text()).not.toMatch(/filter|invert|mix-blend/);
    expect($('img.emblem').attr('style')).not.toMatch(/filter|opacity/);
  });
});

describe('the edition of a project whose colours are only just readable on white', () => {
  it('still keeps every text at 4.5:1, on the page colour and in dark mode too', async () => {
    const greyProfile = { ...secon.profile, colours: { primary: '#767676', text: '#767676' } };
    const { renderer, editions } = await renderSample(referenceOf(greyProfile), SECON_PROFILE_FILE);
    expectReadable(shown(renderer, editions.get('bg')!));
  });
});

describe('the fallback label of a project whose source language is not English', () => {
  it('names the source language in the edition’s language', async () => {
    const german = referenceOf({ ...riverwise.profile, sourceLanguage: 'de' });
    const only = (text: string) => ({ de: text });
    const theIssue: Issue = {
      ...issue,
      subject: { de: 'Neuigkeiten', hu: 'Hírek' },
      intro: only('Hallo'),
      sections: [{ type: 'highlights', items: ['h'] }],
    };
    const highlight: Highlight = {
      id: 'h',
      country: 'AT',
      place: 'Krems',
      startDate: '2026-04-02',
      title: only('Hochwasserschutz-Rundgang'),
      summary: only('Ein Rundgang.'),
      body: only('Text'),
    };
    const { renderer, editions } = await renderSample(german, RIVERWISE_PROFILE_FILE, theIssue, {
      ...content,
      highlights: new Map([['h', highlight]]),
    });
    const $ = shown(renderer, editions.get('hu')!);
    expect($('.fallback').first().text()).toBe('német nyelven');
    expect($('.fallback').first().prev().attr('lang')).toBe('de');
  });
});
