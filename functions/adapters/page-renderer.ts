// Renders the public pages (Handlebars HTML, no JavaScript: the subscriber's, the archive's index and record pages,
// the privacy notice and accessibility statement, errors) and the double opt-in email (MJML) in the project's
// languages, with its countries, regions and topics, and on every page the EU emblem with the funding statement and
// the project's logos. Templates and locales are read and compiled once.
import { readdirSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import Color from 'color';
import Handlebars from 'handlebars';
import i18next from 'i18next';
import mjml2html from 'mjml';
import { compile } from 'html-to-text';
import { atomFeed } from './atom-feed.ts';
import { assetUrl, projectLogoUrl } from '../../contracts/assets.ts';
import { EU_EMBLEM, EU_LANGUAGES, FUNDING_STATEMENTS, type EuLanguage } from '../../contracts/eu-funding.ts';
import { FONT_STACKS, MIN_CONTRAST } from '../../contracts/profile.ts';
import type { ArchiveEntry, RecordView } from '../domain/archive.ts';
import type { LocalText } from '../domain/edition.ts';
import { markdownHtml } from '../domain/markdown.ts';
import { OTHER_REGION, type Country, type Language, type Reference } from '../domain/reference.ts';
import { CONFIRMATION_DAYS } from '../domain/subscribers.ts';
import { RenderError } from '../domain/errors.ts';

/** The page family: templates/pages/<name>.hbs, locale namespace `pages`, keys prefixed with the page name. */
export const PAGES_TEMPLATE = 'pages';
export const CONFIRMATION_TEMPLATE = 'confirmation';
export const PAGE_NAMES = [
  'signup',
  'signup-done',
  'confirm',
  'confirmed',
  'token-error',
  'unsubscribe',
  'unsubscribed',
  'preferences',
  'error',
  'archive-index',
  'record',
  'privacy',
  'accessibility',
  'not-found',
] as const;
export type PageName = (typeof PAGE_NAMES)[number];

/** Form values a page shows again (a failed signup, the current preferences). Strings as a form posts them. */
export interface FormValues {
  email?: string;
  language?: string;
  country?: string;
  region?: string;
  /** One checked box arrives as a string, several as an array. */
  topics?: string | string[];
  consent?: string | boolean;
  /** Opens and clicks may be measured: a ticked box ("true"), or the subscriber's stored choice. */
  tracking?: string | boolean;
}

/**
 * One error, shown next to the field it names (`email`, `language`, `country`, `region`, `topics`, `consent`;
 * any other field shows above the form). `message` is shown as given; without it, `code` picks a localized
 * text under `errors.*` (`email`, `language`, `country`, `region`, `topics`, `consent`, `rateLimited`,
 * `generic`), and the field's own name is the default code.
 */
export interface PageError {
  field: string;
  message?: string;
  code?: string;
}

/**
 * Where the language picker's links point: by default the same page with `?lang=xx` only. A page reached
 * with other query parameters (the confirmation link's `token`) names them in `query`; a page that answers
 * a POST names a `path` that can be fetched with GET; a page with its language in its path (the archive's) gives
 * the path with `{lang}` in its place as `pattern`. `false` hides the picker.
 */
export type LanguageLinks = false | { path?: string; query?: Record<string, string>; pattern?: string };

/** Fields every page understands, besides its own (see the templates). */
export interface CommonView {
  values?: FormValues;
  /** On the preferences page, instead of `email` and `values`: the subscriber's email, language, country, region, topics. */
  subscriber?: FormValues & { email?: string };
  error?: PageError;
  languageLinks?: LanguageLinks;
  /** The signup page's URL for "sign up again" links; default `<signupPath>?lang=<language>`. */
  signupUrl?: string;
  /** The archive's index: the language's published issues, newest first. */
  entries?: ArchiveEntry[];
  /** The archive's record page. */
  record?: RecordView;
  [field: string]: unknown;
}

export interface ConfirmationView {
  confirmUrl: string;
  /** Default CONFIRMATION_DAYS. */
  expiryDays?: number;
}

export interface RenderedEmail {
  subject: string;
  html: string;
  text: string;
}

export interface PageRenderer {
  /** A full HTML document. */
  page(name: PageName, language: Language, view: CommonView): string;
  confirmationEmail(language: Language, view: ConfirmationView): Promise<RenderedEmail>;
  /** The consent text the signup page shows, with its version, to keep with the subscriber's consent. */
  consentText(language: Language): { version: string; text: string };
  /** One of the pages' texts (`locales/<language>/pages.json`). */
  text(language: Language, key: string): string;
  /** The archive of a language as an Atom feed, its links under `publicUrl`; `whenEmpty` dates a feed with no entry. */
  feed(language: Language, entries: ArchiveEntry[], options: { publicUrl: string; whenEmpty: string }): string;
}

export interface PageRendererOptions {
  /** 'strict' in tests: MJML validation errors and missing locale keys throw. Default 'skip'. */
  validation?: 'strict' | 'skip';
  /** The signup page's path, for "sign up again" links. Default '/subscribe'. */
  signupPath?: string;
}

/** Languages whose Intl data should follow a country variant: Portuguese as written in Portugal, not Brazil. */
const INTL_LOCALE: Partial<Record<Language, string>> = { pt: 'pt-PT' };
const intlLocale = (language: Language) => INTL_LOCALE[language] ?? language;

/** A language's name in itself, as a speaker would look for it in a list. */
function ownName(lng: Language) {
  const name = new Intl.DisplayNames([intlLocale(lng)], { type: 'language' }).of(lng) ?? lng;
  return name.charAt(0).toLocaleUpperCase(lng) + name.slice(1);
}

/** Pages search engines may list; the others' URLs carry a token, follow a form, or name nothing. */
const INDEXED_PAGES: ReadonlySet<PageName> = new Set(['signup', 'archive-index', 'record', 'privacy', 'accessibility']);

/** Each EU_EMBLEM height in CSS pixels has the width 1.5 times it. */
const EMBLEM = {
  src: assetUrl(`eu/${EU_EMBLEM.files.svg}`),
  height: EU_EMBLEM.displayHeight,
  width: EU_EMBLEM.displayHeight * EU_EMBLEM.aspectRatio,
};
/** The darkest grey the layout puts text on (the current language in the picker; the page is lighter). */
const PAGE_GREY = '#e4e7eb';

/** `colour`, darkened as little as needed to reach WCAG 2.1 AA's 4.5:1 on `background`. */
function readableOn(colour: string, background: string): string {
  let shade = Color(colour);
  while (shade.contrast(Color(background)) < MIN_CONTRAST && shade.lightness() > 0) shade = shade.darken(0.1);
  return shade.hex().toLowerCase();
}

const isEuLanguage = (language: string): language is EuLanguage =>
  (EU_LANGUAGES as readonly string[]).includes(language);
const FIELDS_WITH_ERRORS = new Set(['email', 'language', 'country', 'region', 'topics', 'consent']);

/** Stands for the confirmation URL while MJML runs, so that one language's MJML output serves every address. */
const CONFIRM_URL_SLOT = 'https://confirm-url.invalid/';

const confirmationToText = compile({
  wordwrap: 78,
  selectors: [
    // The preheader is for the inbox list, not for the message.
    { selector: 'div[style*="display:none"]', format: 'skip' },
    { selector: 'img', format: 'skip' },
    { selector: 'a', options: { hideLinkHrefIfSameAsText: true } },
  ],
});

/** A long text's Markdown as plain text: words as written, links as "text (url)", items as "- item". */
const markdownToText = compile({
  wordwrap: false,
  selectors: [
    { selector: 'a', options: { hideLinkHrefIfSameAsText: true, linkBrackets: ['(', ')'] } },
    { selector: 'ul', options: { itemPrefix: '- ' } },
    { selector: 'p', options: { leadingLineBreaks: 1, trailingLineBreaks: 1 } },
  ],
});
const markdownText = (text: string) => markdownToText(markdownHtml(text)).trim();

const escapeAttribute = (value: string) =>
  value.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

const asList = (value: string | string[] | undefined) =>
  value === undefined ? [] : Array.isArray(value) ? value : [value];

export async function createPageRenderer(
  assetsDir: string,
  reference: Reference,
  options: PageRendererOptions = {},
): Promise<PageRenderer> {
  const strict = options.validation === 'strict';
  const signupPath = options.signupPath ?? '/subscribe';
  const { languages, sourceLanguage, profile } = reference;
  const ownNames = new Map(languages.map((lng) => [lng, ownName(lng)]));

  const i18n = i18next.createInstance();
  const namespaces = [PAGES_TEMPLATE, CONFIRMATION_TEMPLATE];
  await i18n.init({
    lng: sourceLanguage,
    fallbackLng: sourceLanguage,
    supportedLngs: [...languages],
    ns: namespaces,
    defaultNS: PAGES_TEMPLATE,
    // Handlebars escapes every text where it is written.
    interpolation: {
      escapeValue: false,
      defaultVariables: { project: profile.shortName, programme: profile.programme.name },
    },
    resources: Object.fromEntries(
      languages.map((lng) => [
        lng,
        Object.fromEntries(
          namespaces.map((ns) => [ns, JSON.parse(readFileSync(join(assetsDir, 'locales', lng, `${ns}.json`), 'utf8'))]),
        ),
      ]),
    ),
  });

  function translate(language: Language, ns: string, key: string, args: Record<string, unknown> = {}): string {
    if (strict && !i18n.exists(key, { lng: language, ns, fallbackLng: false, ...args })) {
      throw new RenderError(`Missing locale text ${language}/${ns}.json: ${key}`);
    }
    return i18n.t(key, { lng: language, ns, ...args }) as string;
  }

  const hb = Handlebars.create();
  const pagesDir = join(assetsDir, 'templates', PAGES_TEMPLATE);
  const partialsDir = join(pagesDir, 'partials');
  for (const file of readdirSync(partialsDir)) {
    hb.registerPartial(basename(file, '.hbs'), readFileSync(join(partialsDir, file), 'utf8'));
  }
  hb.registerHelper('t', (key: string, helperOptions: Handlebars.HelperOptions) => {
    const root = helperOptions.data.root as { lang: Language; ns: string };
    return translate(root.lang, root.ns, key, helperOptions.hash);
  });
  hb.registerHelper('choose', (condition: unknown, yes: unknown, no: unknown) => (condition ? yes : no));
  // Markdown's HTML is made from escaped text and checked links only (domain/markdown.ts).
  hb.registerHelper('markdown', (text: unknown) => new hb.SafeString(markdownHtml(String(text ?? ''))));
  const compile = (file: string) => hb.compile(readFileSync(file, 'utf8'));
  const pageTemplates = new Map(PAGE_NAMES.map((name) => [name, compile(join(pagesDir, `${name}.hbs`))]));
  const confirmationTemplate = compile(join(assetsDir, 'templates', `${CONFIRMATION_TEMPLATE}.mjml`));

  /** Countries in the page language's alphabetical order, each with its regions and "other". */
  function countriesIn(language: Language, values: FormValues) {
    const names = new Intl.DisplayNames([intlLocale(language)], { type: 'region' });
    const collator = new Intl.Collator(intlLocale(language));
    return reference.countryCodes
      .map((code: Country) => {
        const name = names.of(code) ?? reference.countryName(code);
        return {
          code,
          name,
          selected: values.country === code,
          regions: reference.regionsOf(code).map((region) => ({
            value: region,
            label:
              region === OTHER_REGION
                ? translate(language, PAGES_TEMPLATE, 'fields.otherRegion', { country: name })
                : reference.regionLabel(code, region, language),
            // "other" is every country's: it is the chosen one only under the chosen country.
            selected: values.region === region && (region !== OTHER_REGION || values.country === code),
          })),
        };
      })
      .sort((a, b) => collator.compare(a.name, b.name));
  }

  function languageLinkHref(links: Exclude<LanguageLinks, false>, code: Language) {
    if (links.pattern) return links.pattern.replace('{lang}', encodeURIComponent(code));
    const query = new URLSearchParams({ ...links.query, lang: code });
    return `${links.path ?? ''}?${query}`;
  }

  /** What every page's header and footer show: the same for every page of a language, so made once per language. */
  const { primary, text: ink } = profile.colours;
  const style = {
    font: FONT_STACKS[profile.font],
    ink,
    accent: primary,
    accentDark: Color(primary).darken(0.25).hex(),
    // The profile's colours are checked on white; the header and footer sit on grey, so there they are darkened
    // until they read as well.
    inkOnGrey: readableOn(ink, PAGE_GREY),
    accentOnGrey: readableOn(primary, PAGE_GREY),
  };
  const logos = [
    { src: projectLogoUrl(profile.programme.logo), alt: profile.programme.name },
    { src: projectLogoUrl(profile.logo), alt: profile.shortName },
  ];
  const frames = new Map(
    languages.map((language) => {
      // The statement is the EU's own text in each official language; a language without one shows English, marked.
      const lang = isEuLanguage(language) ? language : 'en';
      return [
        language,
        {
          style,
          emblem: EMBLEM,
          funding: { statement: FUNDING_STATEMENTS[profile.funding][lang], ...(lang !== language && { lang }) },
          logos,
          links: {
            archive: `/archive/${language}/`,
            privacy: `/privacy?lang=${language}`,
            accessibility: `/accessibility?lang=${language}`,
          },
        },
      ];
    }),
  );

  /** A text as shown: its own `lang` when it is the source language's in place of the page's. */
  const shown = (text: LocalText) => ({ text: text.text, ...(text.fallback && { lang: sourceLanguage }) });
  const dateFormat = (language: Language) =>
    new Intl.DateTimeFormat(intlLocale(language), { dateStyle: 'long', timeZone: 'UTC' });
  const day = (iso: string) => new Date(iso.length === 10 ? `${iso}T00:00:00Z` : iso);
  const languageName = (of: Language, language: Language) =>
    new Intl.DisplayNames([intlLocale(language)], { type: 'language' }).of(of) ?? of;

  function archiveContext(language: Language, entries: ArchiveEntry[]) {
    return {
      feedUrl: `/archive/${language}/feed.xml`,
      entries: entries.map((entry) => ({
        url: `/archive/${encodeURIComponent(entry.issueId)}/${language}`,
        subject: shown(entry.subject),
        date: dateFormat(language).format(day(entry.publishedAt)),
        datetime: day(entry.publishedAt).toISOString().slice(0, 10),
      })),
    };
  }

  function recordContext(language: Language, record: RecordView) {
    const t = (key: string, args?: Record<string, unknown>) => translate(language, PAGES_TEMPLATE, key, args);
    const dates = record.dates;
    const format = dateFormat(language);
    const facts = [
      ...(dates
        ? [
            {
              label: t('record.date'),
              value:
                !dates.end || dates.end === dates.start
                  ? format.format(day(dates.start))
                  : format.formatRange(day(dates.start), day(dates.end)),
            },
          ]
        : []),
      ...(record.place ? [{ label: t('record.place'), value: record.place }] : []),
      ...(record.participants !== undefined
        ? [
            {
              label: t('record.participants'),
              value: new Intl.NumberFormat(intlLocale(language)).format(record.participants),
            },
          ]
        : []),
      ...(record.organisation
        ? [{ label: t('record.organisation'), value: `${record.organisation.name} (${record.organisation.type})` }]
        : []),
      ...(record.where
        ? [
            {
              label: t('record.place'),
              value: [
                record.where.city,
                record.where.region,
                new Intl.DisplayNames([intlLocale(language)], { type: 'region' }).of(record.where.country) ??
                  record.where.country,
              ]
                .filter(Boolean)
                .join(', '),
            },
          ]
        : []),
    ];
    const texts = [record.title, record.summary, ...record.texts.map((t) => t.text)];
    return {
      isHighlight: record.kind === 'highlight',
      title: shown(record.title),
      summary: shown(record.summary),
      facts,
      sections: record.texts.map(({ name, text }) => ({ heading: t(`record.${name}`), ...shown(text) })),
      ...(record.image && { image: { url: record.image.url, alt: shown(record.image.alt) } }),
      links: record.links,
      issue: { url: `/archive/${encodeURIComponent(record.issueId)}/${language}`, subject: shown(record.issueSubject) },
      // Named in the page's language, once, when any text is the source language's.
      ...(texts.some((text) => text.fallback) && { fallbackLanguage: languageName(sourceLanguage, language) }),
    };
  }

  function privacyContext(language: Language) {
    const { controller, contact, retentionMonths, purposes } = profile.privacy;
    return {
      controller: { name: controller.name, lines: controller.address.split('\n') },
      contact,
      purposes: purposes.map((purpose) => ({
        text: reference.label(purpose, language),
        ...(purpose[language] === undefined && { lang: sourceLanguage }),
      })),
      period: new Intl.NumberFormat(intlLocale(language), { style: 'unit', unit: 'month', unitDisplay: 'long' }).format(
        retentionMonths,
      ),
    };
  }

  const STATUS_KEYS = {
    'fully-compliant': 'accessibility.statusFully',
    'partially-compliant': 'accessibility.statusPartially',
    'not-compliant': 'accessibility.statusNot',
  } as const;
  function accessibilityContext(language: Language) {
    const { contact, status, reviewedOn } = profile.accessibility;
    return {
      contact,
      statusKey: STATUS_KEYS[status],
      compliant: status === 'fully-compliant',
      ...(reviewedOn && { reviewedOn: dateFormat(language).format(day(reviewedOn)) }),
    };
  }

  function pageContext(name: PageName, language: Language, view: CommonView) {
    // The preferences page may be given the subscriber itself: its fields are the form's values.
    const subscriber = view.subscriber;
    const shown = view.values ?? subscriber;
    const values = shown ?? {};
    const links = view.languageLinks ?? {};
    const chosenLanguage = values.language && reference.isLanguage(values.language) ? values.language : language;
    const error = view.error;
    const errorMessage = error && (error.message ?? errorText(language, error));
    const chosenTopics = asList(values.topics);
    return {
      ...view,
      email: view.email ?? subscriber?.email,
      ns: PAGES_TEMPLATE,
      lang: language,
      dir: i18n.dir(language),
      language,
      noindex: !INDEXED_PAGES.has(name),
      signupUrl: view.signupUrl ?? `${signupPath}?lang=${language}`,
      languages: languages.map((code) => ({
        code,
        name: ownNames.get(code) ?? code,
        href: links ? languageLinkHref(links, code) : undefined,
        current: code === language,
        selected: code === chosenLanguage,
      })),
      showLanguagePicker: links !== false,
      countries: countriesIn(language, values),
      // A fresh form offers every topic ticked; a form shown again keeps what was sent.
      // A topic without a label in the page's language shows the source language's, marked as such.
      topics: profile.topics.map((topic) => ({
        value: topic.id,
        label: reference.label(topic.label, language),
        ...(topic.label[language] === undefined && { lang: sourceLanguage }),
        checked: shown ? chosenTopics.includes(topic.id) : true,
      })),
      consent: consentText(language),
      // Unticked unless chosen: measuring is never the default.
      tracking: values.tracking === true || values.tracking === 'true' || values.tracking === 'on',
      ...frames.get(language),
      ...(name === 'archive-index' && { archive: archiveContext(language, view.entries ?? []) }),
      ...(name === 'record' && view.record && { record: recordContext(language, view.record) }),
      ...(name === 'privacy' && { privacy: privacyContext(language) }),
      ...(name === 'accessibility' && { accessibility: accessibilityContext(language) }),
      fieldErrors: error && FIELDS_WITH_ERRORS.has(error.field) ? { [error.field]: errorMessage } : {},
      formError: error && !FIELDS_WITH_ERRORS.has(error.field) ? errorMessage : undefined,
      expired: view.reason === 'expired',
      expiryDays: typeof view.expiryDays === 'number' ? view.expiryDays : CONFIRMATION_DAYS,
    };
  }

  /** The localized text for an error's code (by default its field's); outside tests an unknown code reads as generic. */
  function errorText(language: Language, error: PageError) {
    const code = error.code ?? (FIELDS_WITH_ERRORS.has(error.field) ? error.field : 'generic');
    const known = strict || i18n.exists(`errors.${code}`, { lng: language, ns: PAGES_TEMPLATE });
    return translate(language, PAGES_TEMPLATE, known ? `errors.${code}` : 'errors.generic');
  }

  function consentText(language: Language) {
    return {
      version: translate(language, PAGES_TEMPLATE, 'consent.version'),
      text: translate(language, PAGES_TEMPLATE, 'consent.text'),
    };
  }

  /** One MJML run per language and expiry; each address only replaces the URL slot. */
  const confirmationHtml = new Map<string, Promise<string>>();
  const confirmationText = new Map<string, string>();
  async function renderConfirmationHtml(language: Language, expiryDays: number) {
    const source = confirmationTemplate({
      ns: CONFIRMATION_TEMPLATE,
      lang: language,
      dir: i18n.dir(language),
      confirmUrl: CONFIRM_URL_SLOT,
      expiryDays,
    });
    const { html, errors } = await mjml2html(source, {
      validationLevel: strict ? 'strict' : 'skip',
      keepComments: false,
    });
    if (errors.length > 0) throw new RenderError(errors.map((e) => e.formattedMessage).join('; '));
    return html;
  }

  return {
    page(name, language, view) {
      const template = pageTemplates.get(name);
      if (!template) throw new RenderError(`Unknown page: ${String(name)}`);
      return template(pageContext(name, reference.isLanguage(language) ? language : sourceLanguage, view));
    },

    async confirmationEmail(language, { confirmUrl, expiryDays = CONFIRMATION_DAYS }) {
      if (!/^https?:\/\//i.test(confirmUrl)) throw new RenderError('The confirmation URL must be http(s)');
      const cacheKey = `${language}:${expiryDays}`;
      let pending = confirmationHtml.get(cacheKey);
      if (!pending) {
        pending = renderConfirmationHtml(language, expiryDays);
        confirmationHtml.set(cacheKey, pending);
        pending.catch(() => confirmationHtml.delete(cacheKey));
      }
      const slotted = await pending;
      // The plain text, like the HTML, is made once per language; each address only puts its link in.
      let slottedText = confirmationText.get(cacheKey);
      if (slottedText === undefined) {
        slottedText = confirmationToText(slotted);
        confirmationText.set(cacheKey, slottedText);
      }
      const html = slotted.replaceAll(CONFIRM_URL_SLOT, escapeAttribute(confirmUrl));
      const text = slottedText.replaceAll(CONFIRM_URL_SLOT, confirmUrl);
      return { subject: translate(language, CONFIRMATION_TEMPLATE, 'subject'), html, text };
    },

    consentText,
    text: (language, key) => translate(language, PAGES_TEMPLATE, key),

    feed(language, entries, { publicUrl, whenEmpty }) {
      const indexUrl = `${publicUrl}/archive/${language}/`;
      const atomText = (text: LocalText) => ({ text: text.text, ...(text.fallback && { lang: sourceLanguage }) });
      return atomFeed({
        id: indexUrl,
        language,
        title: translate(language, PAGES_TEMPLATE, 'layout.brand'),
        subtitle: translate(language, PAGES_TEMPLATE, 'archive.intro'),
        selfUrl: `${indexUrl}feed.xml`,
        pageUrl: indexUrl,
        author: { name: profile.name, ...(profile.website && { uri: profile.website }) },
        updated:
          entries
            .map((entry) => entry.updatedAt)
            .sort()
            .at(-1) ?? whenEmpty,
        entries: entries.map((entry) => {
          const url = `${publicUrl}/archive/${encodeURIComponent(entry.issueId)}/${language}`;
          return {
            id: url,
            link: url,
            title: atomText(entry.subject),
            // A feed's summary is plain text: the introduction's Markdown as a text part writes it.
            summary: atomText(
              entry.summaryIsMarkdown ? { ...entry.summary, text: markdownText(entry.summary.text) } : entry.summary,
            ),
            published: entry.publishedAt,
            updated: entry.updatedAt,
          };
        }),
      });
    },
  };
}
