// Builds what one language's edition shows: localized texts with fallback to the source language, dates and numbers
// per locale, the project's name, logos, partners and EU funding statement from its profile, and its links.
import { EU_EMBLEM, FUNDING_STATEMENTS } from '../../contracts/eu-funding.ts';
import type { ContentStore, Edition, EditionRenderer } from './ports.ts';
import type { Highlight, Indicator, Issue, Practice, Text } from './records.ts';
import type { Country, Language, Reference } from './reference.ts';
import { webLink, withoutControls } from './text-rules.ts';
import { renditionUrl } from './images.ts';

/** A text in the edition's language, or its source-language text with `fallback` set (shown with a label). */
export interface LocalText {
  text: string;
  fallback: boolean;
}

export interface HighlightView {
  title: LocalText;
  summary: LocalText;
  dates: string;
  place: string;
  /** Already pluralized by the renderer's `t`; here the number only. */
  participantCount?: number;
  /** Its own link, else its page in the archive (where its full text is). */
  link: string;
  /** `url2x`: the high-density rendition of an image we made (none for one linked from elsewhere). */
  image?: { url: string; url2x?: string; alt: LocalText };
}

export interface PracticeView {
  title: LocalText;
  summary: LocalText;
  results?: LocalText;
  organisation: string;
  where: string;
  dates?: string;
  /** Its first link, else its page in the archive. */
  link: string;
}

export interface IndicatorView {
  label: LocalText;
  achieved: string;
  target: string;
  done: boolean;
}

export type SectionView =
  | { type: 'highlights' | 'events'; items: HighlightView[] }
  | { type: 'practices'; items: PracticeView[] }
  | { type: 'indicators'; items: IndicatorView[] };

/** An image the site serves (`/assets/...`) and its text alternative. */
export interface LogoView {
  url: string;
  alt: string;
}

export interface EditionView {
  issueId: string;
  language: Language;
  /** The issue's heading: its subject in this language. */
  subject: LocalText;
  preheader?: LocalText;
  intro: LocalText;
  project: string;
  languageName: string;
  /** The source language's name in this language, for the label on a text that falls back to it. */
  sourceLanguageName: string;
  partners: string;
  /** The header's marks: the EU emblem (its white-bordered file for dark backgrounds), the programme's and project's logos. */
  emblem: { url: string; darkUrl: string };
  programmeLogo: LogoView;
  projectLogo: LogoView & { link?: string };
  /** "Co-funded by the European Union" (or "Funded ...", as the profile says), written out beside the emblem. */
  fundingStatement: LocalText;
  /** The programme whose managing authority the author disclaimer names. */
  programme: string;
  archiveUrl: string;
  privacyUrl: string;
  accessibilityUrl: string;
  /** The base of the tracking routes (`/t/open`, `/t/click`) the edition's links are rewritten to. */
  publicUrl: string;
  sections: SectionView[];
}

/** The records an issue's sections refer to, resolved at send time. */
export interface IssueContent {
  highlights: ReadonlyMap<string, Highlight>;
  practices: ReadonlyMap<string, Practice>;
  indicators: ReadonlyMap<string, Indicator>;
}

/**
 * Editions are SES templates (Handlebars): a `{{` in a user's text would become a placeholder, and a lone `{`, `}`
 * or `\` next to the template's own placeholders would open, close or escape one. A zero-width space beside
 * every brace and backslash keeps the text readable and inert; a control character (NUL stops Handlebars' lexer)
 * goes. The renderer applies it to every text it places.
 */
export function inert(text: string): string {
  return withoutControls(text).replace(/[{}\\]/g, (c) => (c === '}' ? '\u200b}' : `${c}\u200b`));
}

export function localize(text: Text, language: Language, source: Language): LocalText {
  const own = text[language];
  if (own !== undefined) return { text: own, fallback: false };
  return { text: text[source] ?? '', fallback: language !== source };
}

const localizer = (language: Language, source: Language) => (text: Text) => localize(text, language, source);

/**
 * A link as the schemas store it, or nothing: records stored before links were checked may hold a `javascript:` or
 * a placeholder, which no edition shows.
 */
function safeLink(url: string | undefined, mailto = false): string | undefined {
  const parsed = url === undefined ? undefined : webLink({ mailto }).safeParse(url);
  return parsed?.success ? parsed.data : undefined;
}

function dateRange(language: Language, start: string, end?: string): string {
  const format = new Intl.DateTimeFormat(language, { dateStyle: 'long', timeZone: 'UTC' });
  const from = new Date(`${start}T00:00:00Z`);
  if (!end || end === start) return format.format(from);
  return format.formatRange(from, new Date(`${end}T00:00:00Z`));
}

/** Where the site serves a file of `assets/` (the EU emblem) or a logo of the profile (`assets/project/`). */
const assetUrl = (publicUrl: string, path: string) => `${publicUrl}/assets/${path}`;
const fileName = (path: string) => encodeURIComponent(path.split(/[\\/]/).pop() ?? path);

/** A record's page in the archive, in the edition's language. */
const recordPage = (publicUrl: string, issueId: string, language: Language, recordId: string) =>
  `${publicUrl}/archive/${encodeURIComponent(issueId)}/${language}/${encodeURIComponent(recordId)}`;

/** The funding statement in the edition's language, else the source language's (a language the EU does not have). */
function fundingStatement(reference: Reference, language: Language): LocalText {
  const statements: Partial<Record<string, string>> = FUNDING_STATEMENTS[reference.profile.funding];
  const own = statements[language];
  if (own !== undefined) return { text: own, fallback: false };
  return { text: statements[reference.sourceLanguage] ?? statements.en ?? '', fallback: true };
}

function countryName(language: Language, country: Country): string {
  return new Intl.DisplayNames([language], { type: 'region' }).of(country) ?? country;
}

function pick<T>(map: ReadonlyMap<string, T>, ids: readonly string[]): T[] {
  return ids.flatMap((id) => {
    const record = map.get(id);
    return record ? [record] : [];
  });
}

/** What links an edition's records to their pages in the archive. */
interface RecordContext {
  language: Language;
  source: Language;
  page: (recordId: string) => string;
}

function highlightView(h: Highlight, { language, source, page }: RecordContext): HighlightView {
  const localize = localizer(language, source);
  return {
    title: localize(h.title),
    summary: localize(h.summary),
    dates: dateRange(language, h.startDate, h.endDate),
    // A city the place already names ("Cáceres, Spain" in Cáceres) is not said twice.
    place: [h.place, h.city && !h.place.includes(h.city) ? h.city : undefined].filter(Boolean).join(', '),
    ...(h.participants !== undefined && { participantCount: h.participants }),
    link: safeLink(h.link, true) ?? page(h.id),
    ...(h.image && safeLink(h.image.url) && { image: imageView(safeLink(h.image.url)!, localize(h.image.alt)) }),
  };
}

function imageView(url: string, alt: LocalText): HighlightView['image'] {
  const url2x = renditionUrl(url, 1200);
  return { url, ...(url2x && { url2x }), alt };
}

function practiceView(p: Practice, { language, source, page }: RecordContext): PracticeView {
  const localize = localizer(language, source);
  return {
    title: localize(p.title),
    summary: localize(p.summary),
    ...(p.results && { results: localize(p.results) }),
    organisation: p.organisation.name,
    where: [p.city, p.region, countryName(language, p.country)].filter(Boolean).join(', '),
    ...(p.startDate && { dates: dateRange(language, p.startDate, p.endDate) }),
    link: safeLink(p.links?.[0], true) ?? page(p.id),
  };
}

function indicatorView(i: Indicator, language: Language, source: Language): IndicatorView {
  const number = new Intl.NumberFormat(language);
  return {
    label: localize(i.label, language, source),
    achieved: number.format(i.achieved),
    target: number.format(i.target),
    done: i.achieved >= i.target,
  };
}

export function buildEditionView(
  reference: Reference,
  issue: Issue,
  content: IssueContent,
  language: Language,
  publicUrl: string,
): EditionView {
  const source = reference.sourceLanguage;
  const { profile } = reference;
  const languageNames = new Intl.DisplayNames([language], { type: 'language' });
  const records: RecordContext = {
    language,
    source,
    page: (recordId) => recordPage(publicUrl, issue.id, language, recordId),
  };
  const sections = issue.sections.map((section): SectionView => {
    switch (section.type) {
      case 'highlights':
      case 'events':
        return {
          type: section.type,
          items: pick(content.highlights, section.items).map((h) => highlightView(h, records)),
        };
      case 'practices':
        return {
          type: 'practices',
          items: pick(content.practices, section.items).map((p) => practiceView(p, records)),
        };
      case 'indicators':
        return {
          type: 'indicators',
          items: pick(content.indicators, section.items).map((i) => indicatorView(i, language, source)),
        };
    }
  });
  return {
    issueId: issue.id,
    language,
    subject: localize(issue.subject, language, source),
    ...(issue.preheader && { preheader: localize(issue.preheader, language, source) }),
    intro: localize(issue.intro, language, source),
    project: profile.shortName,
    languageName: languageNames.of(language) ?? language,
    sourceLanguageName: languageNames.of(source) ?? source,
    partners: profile.partners.map((p) => p.name).join(' · '),
    emblem: {
      url: assetUrl(publicUrl, `eu/${EU_EMBLEM.files.png['3x']}`),
      darkUrl: assetUrl(publicUrl, `eu/${EU_EMBLEM.files.whiteBorderPng['3x']}`),
    },
    programmeLogo: {
      url: assetUrl(publicUrl, `project/${fileName(profile.programme.logo)}`),
      alt: profile.programme.name,
    },
    projectLogo: {
      url: assetUrl(publicUrl, `project/${fileName(profile.logo)}`),
      alt: profile.shortName,
      ...(safeLink(profile.website) && { link: safeLink(profile.website) }),
    },
    fundingStatement: fundingStatement(reference, language),
    programme: profile.programme.name,
    archiveUrl: `${publicUrl}/archive/${encodeURIComponent(issue.id)}/${language}`,
    privacyUrl: `${publicUrl}/privacy?lang=${language}`,
    accessibilityUrl: `${publicUrl}/accessibility?lang=${language}`,
    publicUrl,
    sections: sections.filter((s) => s.items.length > 0),
  };
}

export async function loadIssueContent(content: ContentStore, issue: Issue): Promise<IssueContent> {
  const ids = (...types: string[]) => issue.sections.filter((s) => types.includes(s.type)).flatMap((s) => s.items);
  const [highlights, practices, indicators] = await Promise.all([
    content.getMany('highlight', ids('highlights', 'events')),
    content.getMany('practice', ids('practices')),
    content.getMany('indicator', ids('indicators')),
  ]);
  const byId = <T extends { id: string }>(records: T[]) => new Map(records.map((r) => [r.id, r]));
  return { highlights: byId(highlights), practices: byId(practices), indicators: byId(indicators) };
}

export function renderEdition(
  deps: { renderer: EditionRenderer; publicUrl: string; reference: Reference },
  issue: Issue,
  content: IssueContent,
  language: Language,
): Promise<Edition> {
  return deps.renderer.render(buildEditionView(deps.reference, issue, content, language, deps.publicUrl));
}
