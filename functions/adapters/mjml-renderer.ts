// Renders editions: Handlebars fills the MJML layout (all fixed text through i18next), MJML makes the HTML,
// html-to-text the plain-text alternative. Templates and locales are read and compiled once per process.
//
// MJML is the slow step, and an issue's editions differ only in their texts. So the layout is filled once
// with numbered tokens in place of every text (and every `t` call), MJML runs once, and each language's
// edition is that HTML with its own escaped texts put in place of the tokens.
import { readdirSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import Handlebars from 'handlebars';
import i18next, { type TFunction } from 'i18next';
import mjml2html from 'mjml';
import { compile } from 'html-to-text';
import { RenderError } from '../domain/errors.ts';
import type { Edition, EditionRenderer } from '../domain/ports.ts';
import { inert, type EditionView } from '../domain/edition.ts';
import type { Reference } from '../domain/reference.ts';
import { withTracking } from '../domain/tracking.ts';

export const ISSUE_TEMPLATE = 'issue';

/** html-to-text, with its options compiled once. */
const editionToText = compile({
  wordwrap: 78,
  selectors: [
    { selector: 'img', format: 'skip' },
    { selector: 'a', options: { hideLinkHrefIfSameAsText: true } },
  ],
});

export interface MjmlRendererOptions {
  /** 'strict' in tests (any MJML error throws); 'skip' in production, where it would cost a third of the time. */
  validation?: 'strict' | 'skip';
}

/** Strings that choose a partial or a locale key, the same in every language: never tokens. */
const STRUCTURAL_KEYS = new Set(['type']);
const TOKEN = /\u27e6(\d+)\u27e7/g;
const token = (n: number) => `\u27e6${n}\u27e7`;

/** What a token stands for: a text of the view, the "in English" label when a text falls back, or a `t` call. */
type Slot =
  | { kind: 'text'; path: string }
  | { kind: 'fallback'; path: string }
  | { kind: 't'; key: string; hash: Record<string, unknown> };

/**
 * The view with every non-empty string (and every `fallback` flag) replaced by a token, plus the paths
 * of the replaced leaves. Two views with the same skeleton render to the same MJML.
 */
function skeletonOf(view: unknown) {
  const paths: string[] = [];
  const slots: Slot[] = [];
  const walk = (value: unknown, path: string, key: string): unknown => {
    if (typeof value === 'string' && value !== '' && !STRUCTURAL_KEYS.has(key)) {
      slots.push({ kind: 'text', path });
      paths.push(path);
      return token(slots.length - 1);
    }
    if (typeof value === 'boolean' && key === 'fallback') {
      slots.push({ kind: 'fallback', path });
      paths.push(path);
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
  options: MjmlRendererOptions = {},
): Promise<EditionRenderer> {
  const { languages, sourceLanguage } = reference;
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
  // While the skeleton is filled, `t` and the fallback label only record what they stand for.
  hb.registerHelper('t', function (this: unknown, key: string, options: Handlebars.HelperOptions) {
    const slots = options.data.root.slots as Slot[];
    slots.push({ kind: 't', key, hash: options.hash });
    return new hb.SafeString(token(slots.length - 1));
  });
  hb.registerHelper('fallbackLabel', (flag: unknown) => new hb.SafeString(typeof flag === 'string' ? flag : ''));
  hb.registerHelper('concat', (...args: unknown[]) => args.slice(0, -1).join(''));
  // Per-recipient values are left for SES to fill from each entry's replacement data.
  hb.registerHelper('recipient', (name: string) => `{{${name}}}`);
  hb.registerHelper('ifRecipient', function (this: unknown, name: string, options: Handlebars.HelperOptions) {
    return new hb.SafeString(`{{#if ${name}}}${options.fn(this)}{{else}}${options.inverse(this)}{{/if}}`);
  });
  const issueTemplate = hb.compile(readFileSync(join(assetsDir, 'templates', `${ISSUE_TEMPLATE}.mjml`), 'utf8'), {
    strict: true,
  });

  /** Each token's value in one language's edition, HTML-escaped. */
  function tokenValues(slots: Slot[], view: EditionView & { dir: string }): string[] {
    const t: TFunction = i18n.getFixedT(view.language, ISSUE_TEMPLATE);
    const textOf = (n: number) => {
      const slot = slots[n];
      return slot && slot.kind !== 't' ? String(leaf(view, slot.path)) : '';
    };
    // A `t` argument may itself be a token (a formatted number, a name): it takes this language's text.
    const argsOf = (hash: Record<string, unknown>) =>
      Object.fromEntries(
        Object.entries(hash).map(([k, v]) => [
          k,
          typeof v === 'string' ? v.replace(TOKEN, (_, n: string) => inert(textOf(Number(n)))) : v,
        ]),
      );
    return slots.map((slot, n) => {
      switch (slot.kind) {
        case 'text':
          // Every text of the view (links included) is the user's, so none may act as a placeholder.
          return hb.escapeExpression(inert(textOf(n)));
        case 'fallback':
          return leaf(view, slot.path) === true
            ? ` <span class="fallback">${hb.escapeExpression(t('inEnglish'))}</span>`
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
    const source = issueTemplate({ ...skeleton, slots });
    const { html, errors } = await mjml2html(source, {
      validationLevel: options.validation ?? 'skip',
      keepComments: false,
    });
    if (errors.length > 0) throw new RenderError(errors.map((e) => e.formattedMessage).join('; '));

    return views.map((view) => {
      const values = tokenValues(slots, { ...view, dir: i18n.dir(view.language) });
      const localized = html.replace(TOKEN, (_, n: string) => values[Number(n)] ?? '');
      // The plain-text part keeps the plain links; the HTML's are tracked when SES fills a recipient's token.
      const text = editionToText(localized);
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
