// Renders editions: Handlebars fills the MJML layout (all fixed text through i18next), MJML makes the HTML,
// html-to-text the plain-text alternative. Templates and locales are read and compiled once per process.
//
// MJML is the slow step, and an issue's editions differ only in their texts. So the layout is filled once
// with numbered tokens in place of every text (and every `t` call), MJML runs once, and each language's
// edition is that HTML with its own escaped texts put in place of the tokens.
import { readdirSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import Color from 'color';
import Handlebars from 'handlebars';
import i18next, { type TFunction } from 'i18next';
import { imageSize } from 'image-size';
import mjml2html from 'mjml';
import { compile, type FormatCallback } from 'html-to-text';
import { EU_EMBLEM } from '../../contracts/eu-funding.ts';
import { FONT_STACKS, MIN_CONTRAST, resolveFromProfile, type Profile } from '../../contracts/profile.ts';
import { RenderError } from '../domain/errors.ts';
import type { Edition, EditionRenderer } from '../domain/ports.ts';
import { inert, type EditionView } from '../domain/edition.ts';
import { markdownHtml, type MarkdownAttributes } from '../domain/markdown.ts';
import type { Reference } from '../domain/reference.ts';
import { withTracking } from '../domain/tracking.ts';

export const ISSUE_TEMPLATE = 'issue';

/** A heading as a line underlined with its formatter's `underline` character, as plain-text mail writes them. */
const underlinedHeading: FormatCallback = (elem, walk, builder, formatOptions) => {
  builder.openBlock({ leadingLineBreaks: 2 });
  walk(elem.children, builder);
  builder.closeBlock({
    trailingLineBreaks: 1,
    blockTransform: (text) => {
      const width = Math.max(...text.split('\n').map((line) => line.length));
      return `${text}\n${String(formatOptions.underline ?? '-').repeat(width)}`;
    },
  });
};

/** html-to-text, with its options compiled once: headings underlined, the indicators as aligned columns. */
const editionToText = compile({
  wordwrap: 78,
  formatters: { underlinedHeading },
  selectors: [
    { selector: 'img', format: 'skip' },
    { selector: 'a', options: { hideLinkHrefIfSameAsText: true } },
    // Links and lists written in a text's Markdown: "text (url)", "- item".
    { selector: 'a.md', format: 'anchor', options: { hideLinkHrefIfSameAsText: true, linkBrackets: ['(', ')'] } },
    { selector: 'ul.md', format: 'unorderedList', options: { itemPrefix: '- ' } },
    // The project logo's link says nothing without its image.
    { selector: 'a.logo-link', format: 'skip' },
    { selector: 'span.fallback', format: 'inlineSurround', options: { prefix: '(', suffix: ')' } },
    { selector: 'h1', format: 'underlinedHeading', options: { underline: '=' } },
    { selector: 'h2', format: 'underlinedHeading', options: { underline: '-' } },
    { selector: 'h3', format: 'heading', options: { uppercase: false, leadingLineBreaks: 2, trailingLineBreaks: 1 } },
    { selector: 'p', options: { leadingLineBreaks: 1, trailingLineBreaks: 1 } },
    {
      selector: 'table.indicators',
      format: 'dataTable',
      options: { uppercaseHeaderCells: false, maxColumnWidth: 52, colSpacing: 3, rowSpacing: 0 },
    },
  ],
});

/** No run of blank lines: at most one between blocks, none at the ends. */
const tidyText = (text: string) =>
  text
    .replace(/[ \t]+$/gm, '')
    .replace(/\n{3,}/g, '\n\n')
    .trim();

export interface MjmlRendererOptions {
  /** The profile's file: its logos are found beside it, and their sizes read once. */
  profileFile: string;
  /** 'strict' in tests (any MJML error throws); 'skip' in production, where it would cost a third of the time. */
  validation?: 'strict' | 'skip';
}

/** The colours of one colour scheme; every text colour reaches 4.5:1 on the background it is shown on. */
export interface Palette {
  /** Behind the content: the "view in browser" line and the footer. */
  page: string;
  /** The content's background. */
  card: string;
  text: string;
  muted: string;
  mutedOnPage: string;
  link: string;
  linkOnPage: string;
  heading: string;
  /** The funding statement: Reflex Blue on white, white on dark (Regulation (EU) 2021/1060, Annex IX 1.5). */
  statement: string;
  labelText: string;
  labelBackground: string;
  rule: string;
}

/** What the layout takes from the profile and the logo files, the same in every language. */
export interface EditionTheme {
  font: string;
  primary: string;
  onPrimary: string;
  light: Palette;
  dark: Palette;
  emblem: { width: number; height: number; darkWidth: number; darkHeight: number };
  logos: { programme: Size; project: Size };
}

interface Size {
  width: number;
  height: number;
}

/** The box every other logo fits in: lower than the emblem (Annex IX 1.7: the emblem at least as large as any). */
const LOGO_BOX: Size = { width: 130, height: 40 };

/** `colour`, or the nearest colour towards black (on light) or white (on dark) that is readable on `background`. */
export function readableOn(colour: string, background: string): string {
  const towards = Color(background).isDark() ? Color('#ffffff') : Color('#000000');
  for (let weight = 0; weight < 1; weight += 0.05) {
    const candidate = Color(colour).mix(towards, weight);
    // A little above the minimum, so rounding in a client's colour handling cannot push it under.
    if (candidate.contrast(Color(background)) >= MIN_CONTRAST + 0.1) return candidate.hex().toLowerCase();
  }
  return towards.hex().toLowerCase();
}

/** A logo's display size: its own proportions, inside LOGO_BOX, never larger than its file's pixels. */
function logoSize(file: string): Size {
  const { width, height } = imageSize(readFileSync(file));
  if (!width || !height) throw new RenderError(`${file}: the image has no size`);
  const scale = Math.min(1, LOGO_BOX.width / width, LOGO_BOX.height / height);
  return { width: Math.round(width * scale), height: Math.round(height * scale) };
}

export function editionTheme(profile: Profile, profileFile: string): EditionTheme {
  const { primary, text } = profile.colours;
  const light = { page: '#eef1f4', card: '#ffffff', muted: '#4b5563' };
  const dark = { page: '#111418', card: '#1b1f24', text: '#e6e9ed', muted: '#b3bcc6' };
  const border = Math.round(EU_EMBLEM.displayHeight * EU_EMBLEM.whiteBorder);
  const emblemWidth = Math.round(EU_EMBLEM.displayHeight * EU_EMBLEM.aspectRatio);
  return {
    font: FONT_STACKS[profile.font].replaceAll('"', "'"),
    primary,
    onPrimary: '#ffffff',
    light: {
      ...light,
      text,
      mutedOnPage: readableOn(light.muted, light.page),
      link: primary,
      linkOnPage: readableOn(primary, light.page),
      heading: primary,
      statement: EU_EMBLEM.colours.reflexBlue.toLowerCase(),
      labelText: '#6b4f00',
      labelBackground: '#fff4cc',
      rule: '#d5dae0',
    },
    dark: {
      ...dark,
      mutedOnPage: readableOn(dark.muted, dark.page),
      link: readableOn(primary, dark.card),
      linkOnPage: readableOn(primary, dark.page),
      heading: readableOn(primary, dark.card),
      statement: '#ffffff',
      labelText: '#ffe8a3',
      labelBackground: '#3d3000',
      rule: '#3a4048',
    },
    emblem: {
      width: emblemWidth,
      height: EU_EMBLEM.displayHeight,
      darkWidth: emblemWidth + 2 * border,
      darkHeight: EU_EMBLEM.displayHeight + 2 * border,
    },
    logos: {
      programme: logoSize(resolveFromProfile(profileFile, profile.programme.logo)),
      project: logoSize(resolveFromProfile(profileFile, profile.logo)),
    },
  };
}

/** Strings that choose a partial or a locale key, the same in every language: never tokens. */
const STRUCTURAL_KEYS = new Set(['type']);
const TOKEN = /\u27e6(\d+)\u27e7/g;
const token = (n: number) => `\u27e6${n}\u27e7`;

/**
 * What a token stands for: a text of the view, a `t` call, or, for a text that may fall back to the source
 * language, its flag and what the flag decides: the element that gives the fallen-back text its own `lang`, and
 * the label that names the source language.
 */
type Slot =
  | { kind: 'text'; path: string }
  | { kind: 'fallback'; path: string }
  | { kind: 'lang-start' | 'lang-end' | 'block-start' | 'block-end' | 'label'; path: string }
  | { kind: 'markdown'; path: string }
  | { kind: 't'; key: string; hash: Record<string, unknown> };

/**
 * The view with every non-empty string (and every `fallback` flag) replaced by a token, plus the paths
 * of the replaced leaves. Two views with the same skeleton render to the same MJML.
 */
function skeletonOf(view: unknown) {
  const slots: Slot[] = [];
  const walk = (value: unknown, path: string, key: string): unknown => {
    if (typeof value === 'string' && value !== '' && !STRUCTURAL_KEYS.has(key)) {
      slots.push({ kind: 'text', path });
      return token(slots.length - 1);
    }
    if (typeof value === 'boolean' && key === 'fallback') {
      slots.push({ kind: 'fallback', path });
      return token(slots.length - 1);
    }
    if (Array.isArray(value)) return value.map((v, i) => walk(v, `${path}.${i}`, String(i)));
    if (value && typeof value === 'object') {
      return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, walk(v, `${path}.${k}`, k)]));
    }
    return value;
  };
  const skeleton = walk(view, '', '') as Record<string, unknown>;
  return { skeleton, slots, shape: JSON.stringify(skeleton) };
}

function leaf(view: unknown, path: string): unknown {
  return path
    .split('.')
    .slice(1)
    .reduce<unknown>((node, key) => (node as Record<string, unknown> | undefined)?.[key], view);
}

export async function createMjmlRenderer(
  assetsDir: string,
  reference: Reference,
  options: MjmlRendererOptions,
): Promise<EditionRenderer> {
  const { languages, sourceLanguage } = reference;
  const theme = editionTheme(reference.profile, options.profileFile);
  const i18n = i18next.createInstance();
  // The locales' own source is English (locales/en), whatever the project's source language.
  const namespaces = readdirSync(join(assetsDir, 'locales', 'en')).map((file) => basename(file, '.json'));
  await i18n.init({
    lng: sourceLanguage,
    fallbackLng: sourceLanguage,
    supportedLngs: [...languages],
    ns: namespaces,
    defaultNS: ISSUE_TEMPLATE,
    // Texts are HTML-escaped once, when they replace their tokens.
    interpolation: { escapeValue: false },
    resources: Object.fromEntries(
      languages.map((lng) => [
        lng,
        Object.fromEntries(
          namespaces.map((ns) => [ns, JSON.parse(readFileSync(join(assetsDir, 'locales', lng, `${ns}.json`), 'utf8'))]),
        ),
      ]),
    ),
  });

  const hb = Handlebars.create();
  const partialsDir = join(assetsDir, 'templates', 'partials');
  for (const file of readdirSync(partialsDir)) {
    hb.registerPartial(basename(file, '.mjml'), readFileSync(join(partialsDir, file), 'utf8'));
  }
  const slotsOf = (options: Handlebars.HelperOptions) => options.data.root.slots as Slot[];
  // While the skeleton is filled, `t` and the fallback helpers only record what they stand for.
  hb.registerHelper('t', function (this: unknown, key: string, options: Handlebars.HelperOptions) {
    const slots = slotsOf(options);
    slots.push({ kind: 't', key, hash: options.hash });
    return new hb.SafeString(token(slots.length - 1));
  });
  /** A token standing for what a text's fallback flag decides (`local` is a LocalText of the skeleton). */
  const decided = (
    kind: 'lang-start' | 'lang-end' | 'block-start' | 'block-end' | 'label',
    local: unknown,
    options: Handlebars.HelperOptions,
  ) => {
    const flag = (local as { fallback?: unknown } | undefined)?.fallback;
    const n = typeof flag === 'string' ? /^\u27e6(\d+)\u27e7$/.exec(flag)?.[1] : undefined;
    const slots = slotsOf(options);
    const slot = n === undefined ? undefined : slots[Number(n)];
    if (slot?.kind !== 'fallback') return '';
    slots.push({ kind, path: slot.path });
    return token(slots.length - 1);
  };
  // A localized text: in its own `lang` when it falls back, then the label (unless `label=false`).
  hb.registerHelper('localText', (local: unknown, options: Handlebars.HelperOptions) => {
    const text = (local as { text?: unknown } | undefined)?.text;
    const label = options.hash.label === false ? '' : decided('label', local, options);
    return new hb.SafeString(
      `${decided('lang-start', local, options)}${typeof text === 'string' ? text : ''}` +
        `${decided('lang-end', local, options)}${label}`,
    );
  });
  // A long text in the Markdown subset: its blocks (in their own `lang` when it falls back), then the label.
  hb.registerHelper('markdownText', (local: unknown, options: Handlebars.HelperOptions) => {
    const text = (local as { text?: unknown } | undefined)?.text;
    const n = typeof text === 'string' ? /^\u27e6(\d+)\u27e7$/.exec(text)?.[1] : undefined;
    const slots = slotsOf(options);
    const slot = n === undefined ? undefined : slots[Number(n)];
    if (slot?.kind !== 'text') return '';
    slots.push({ kind: 'markdown', path: slot.path });
    const blocks = token(slots.length - 1);
    return new hb.SafeString(
      `${decided('block-start', local, options)}${blocks}${decided('block-end', local, options)}` +
        decided('label', local, options),
    );
  });
  hb.registerHelper(
    'fallbackLabel',
    (local: unknown, options: Handlebars.HelperOptions) => new hb.SafeString(decided('label', local, options)),
  );
  hb.registerHelper('concat', (...args: unknown[]) => args.slice(0, -1).join(''));
  // Per-recipient values are left for SES to fill from each entry's replacement data.
  hb.registerHelper('recipient', (name: string) => `{{${name}}}`);
  hb.registerHelper('ifRecipient', function (this: unknown, name: string, options: Handlebars.HelperOptions) {
    return new hb.SafeString(`{{#if ${name}}}${options.fn(this)}{{else}}${options.inverse(this)}{{/if}}`);
  });
  const issueTemplate = hb.compile(readFileSync(join(assetsDir, 'templates', `${ISSUE_TEMPLATE}.mjml`), 'utf8'), {
    strict: true,
  });

  /** Markdown's elements are made after MJML has inlined the styles, so they carry their own (and the classes dark mode restyles). */
  const markdownAttributes: MarkdownAttributes = {
    paragraph: { class: 'body', style: `margin:0 0 10px;color:${theme.light.text};` },
    list: { class: 'body md', style: `margin:0 0 10px;padding:0 0 0 22px;color:${theme.light.text};` },
    item: { style: 'margin:0 0 4px;' },
    link: { class: 'link md', style: `color:${theme.light.link};text-decoration:underline;` },
  };

  const labelStyle =
    `font-size:12px;font-weight:normal;letter-spacing:0;text-transform:none;padding:0 4px;white-space:nowrap;` +
    `color:${theme.light.labelText};background-color:${theme.light.labelBackground};`;

  /** Each token's value in one language's edition, HTML-escaped. */
  function tokenValues(slots: Slot[], view: EditionView & { dir: string }): string[] {
    const t: TFunction = i18n.getFixedT(view.language, ISSUE_TEMPLATE);
    const textOf = (n: number) => {
      const slot = slots[n];
      return slot && slot.kind === 'text' ? String(leaf(view, slot.path)) : '';
    };
    // A `t` argument may itself be a token (a formatted number, a name): it takes this language's text.
    const argsOf = (hash: Record<string, unknown>) =>
      Object.fromEntries(
        Object.entries(hash).map(([k, v]) => [
          k,
          typeof v === 'string' ? v.replace(TOKEN, (_, n: string) => inert(textOf(Number(n)))) : v,
        ]),
      );
    const label = hb.escapeExpression(t('inLanguage', { language: inert(view.sourceLanguageName) }));
    return slots.map((slot, n) => {
      switch (slot.kind) {
        case 'text':
          // Every text of the view (links included) is the user's, so none may act as a placeholder.
          return hb.escapeExpression(inert(textOf(n)));
        case 'fallback':
          return '';
        case 'lang-start':
          return leaf(view, slot.path) === true ? `<span lang="${sourceLanguage}">` : '';
        case 'lang-end':
          return leaf(view, slot.path) === true ? '</span>' : '';
        case 'block-start':
          return leaf(view, slot.path) === true ? `<div lang="${sourceLanguage}">` : '';
        case 'block-end':
          return leaf(view, slot.path) === true ? '</div>' : '';
        case 'markdown':
          // Markdown's HTML holds escaped text and checked links only; braces are made inert like every text's.
          return inert(markdownHtml(String(leaf(view, slot.path) ?? ''), markdownAttributes));
        case 'label':
          return leaf(view, slot.path) === true
            ? ` <span class="fallback" lang="${view.language}" style="${labelStyle}">${label}</span>`
            : '';
        case 't':
          return hb.escapeExpression(t(slot.key, argsOf(slot.hash)) as string);
      }
    });
  }

  async function renderGroup(views: EditionView[]): Promise<Edition[]> {
    const first = views[0]!;
    const { skeleton, slots: textSlots } = skeletonOf({ ...first, dir: i18n.dir(first.language) });
    const slots: Slot[] = [...textSlots];
    // The theme is the same in every language: it is never tokens.
    const source = issueTemplate({ ...skeleton, slots, theme });
    const { html, errors } = await mjml2html(source, {
      validationLevel: options.validation ?? 'skip',
      keepComments: false,
    });
    if (errors.length > 0) throw new RenderError(errors.map((e) => e.formattedMessage).join('; '));

    return views.map((view) => {
      const values = tokenValues(slots, { ...view, dir: i18n.dir(view.language) });
      const localized = html.replace(TOKEN, (_, n: string) => values[Number(n)] ?? '');
      // The plain-text part keeps the plain links; the HTML's are tracked when SES fills a recipient's token.
      const text = tidyText(editionToText(localized));
      const tracked = withTracking(localized, view.publicUrl);
      return {
        language: view.language,
        subject: inert(view.subject.text),
        html: tracked.html,
        text,
        links: tracked.links,
      };
    });
  }

  // SES renders templates as Handlebars without HTML escaping; the archive does the same.
  const ses = Handlebars.create();
  return {
    personalize: (html, data) => ses.compile(html, { noEscape: true })(data),
    async renderAll(views) {
      // Views with the same skeleton share one MJML run; in practice all of an issue's languages do.
      const groups = new Map<string, EditionView[]>();
      for (const view of views) {
        const { shape } = skeletonOf({ ...view, dir: i18n.dir(view.language) });
        groups.set(shape, [...(groups.get(shape) ?? []), view]);
      }
      const rendered = new Map<string, Edition>();
      for (const group of groups.values()) for (const e of await renderGroup(group)) rendered.set(e.language, e);
      return views.map((view) => rendered.get(view.language)!);
    },
    async render(view) {
      return (await renderGroup([view]))[0]!;
    },
  };
}
