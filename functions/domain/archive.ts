// The public archive beyond an edition's page: which issues are published, a language's index of them (the page
// and the Atom feed), and a record's page as the issue's send showed it.
import { localize, type IssueContent, type LocalText } from './edition.ts';
import { NotFoundError } from './errors.ts';
import type { IssueStore, SentRecord, SentRecords } from './ports.ts';
import { STARTED_STATUSES, type Issue, type Text } from './records.ts';
import type { Language, Reference } from './reference.ts';
import { webLink } from './text-rules.ts';
import { renditionUrl } from './images.ts';

/** An issue whose send has started has published editions; a draft (or a send that went back to draft) has none. */
export const isPublished = (issue: Issue | undefined): issue is Issue =>
  issue !== undefined && STARTED_STATUSES.includes(issue.status);

/** When readers got the issue: its send's start (issues sent before that was kept: its end, else its creation). */
export const publishedAt = (issue: Issue) => issue.sendStartedAt ?? issue.sentAt ?? issue.createdAt;

/** The records an issue's editions show and that have a page of their own: its highlights and practices. */
export function sentRecordsOf(content: IssueContent): SentRecord[] {
  return [
    ...[...content.highlights.values()].map((record): SentRecord => ({ kind: 'highlight', record })),
    ...[...content.practices.values()].map((record): SentRecord => ({ kind: 'practice', record })),
  ];
}

/** The archive's pages exist in the project's languages only; any other is a page that does not exist. */
function archiveLanguage(reference: Reference, language: string): Language {
  if (!reference.isLanguage(language)) throw new NotFoundError(`the archive in "${language}"`);
  return language;
}

export interface ArchiveEntry {
  issueId: string;
  subject: LocalText;
  /** The preheader, else the introduction: what the feed says of the issue. */
  summary: LocalText;
  /** The summary is the introduction, in the Markdown subset (a preheader is one plain line). */
  summaryIsMarkdown: boolean;
  /** ISO 8601. */
  publishedAt: string;
  /** When it last changed: its send's end, once it ended. */
  updatedAt: string;
}

/** A language's published issues, newest first, each with its subject in that language (or the source's). */
export async function archiveIndex(
  deps: { issues: Pick<IssueStore, 'list'>; reference: Reference },
  language: string,
): Promise<ArchiveEntry[]> {
  const lang = archiveLanguage(deps.reference, language);
  const source = deps.reference.sourceLanguage;
  return (await deps.issues.list())
    .filter(isPublished)
    .map((issue) => ({
      issueId: issue.id,
      subject: localize(issue.subject, lang, source),
      summary: localize(issue.preheader ?? issue.intro, lang, source),
      summaryIsMarkdown: !issue.preheader,
      publishedAt: publishedAt(issue),
      updatedAt: issue.sentAt ?? publishedAt(issue),
    }))
    .sort((a, b) => b.publishedAt.localeCompare(a.publishedAt) || a.issueId.localeCompare(b.issueId));
}

/** A long text of a record's page: its name is the heading's locale key. */
export interface RecordText {
  name: 'body' | 'details' | 'resources' | 'results' | 'transfer';
  text: LocalText;
}

/** A record's page: its texts in the page's language (or the source's, marked), and its facts unformatted. */
export interface RecordView {
  kind: SentRecord['kind'];
  issueId: string;
  language: Language;
  /** The issue's subject, to name the issue the page belongs to. */
  issueSubject: LocalText;
  title: LocalText;
  summary: LocalText;
  dates?: { start: string; end?: string };
  /** A highlight's place and city. */
  place?: string;
  participants?: number;
  organisation?: { name: string; type: string };
  /** A practice's city, region and country (ISO code). */
  where?: { city?: string; region?: string; country: string };
  texts: RecordText[];
  image?: { url: string; alt: LocalText };
  /** Links as the record's schema allows them (http(s), mailto); any other a record stored before is left out. */
  links: string[];
}

const safeLinks = (urls: (string | undefined)[]) =>
  urls.flatMap((url) => {
    const parsed = url === undefined ? undefined : webLink({ mailto: true }).safeParse(url);
    return parsed?.success ? [parsed.data] : [];
  });

/** A record's page in `language`, as the issue's send showed it: only for a published issue that showed it. */
export async function recordPage(
  deps: { issues: Pick<IssueStore, 'get'>; sentRecords: Pick<SentRecords, 'getSent'>; reference: Reference },
  issueId: string,
  language: string,
  recordId: string,
): Promise<RecordView> {
  const lang = archiveLanguage(deps.reference, language);
  const [issue, sent] = await Promise.all([deps.issues.get(issueId), deps.sentRecords.getSent(issueId, recordId)]);
  if (!isPublished(issue) || !sent) throw new NotFoundError(`record ${recordId} of issue ${issueId}`);
  const source = deps.reference.sourceLanguage;
  const local = (text: Text) => localize(text, lang, source);
  const texts = (named: Partial<Record<RecordText['name'], Text>>): RecordText[] =>
    (Object.entries(named) as [RecordText['name'], Text | undefined][]).flatMap(([name, text]) =>
      text === undefined ? [] : [{ name, text: local(text) }],
    );
  const common = { issueId, language: lang, issueSubject: local(issue.subject) };
  if (sent.kind === 'highlight') {
    const h = sent.record;
    const [imageUrl] = safeLinks([h.image?.url]);
    return {
      ...common,
      kind: 'highlight',
      title: local(h.title),
      summary: local(h.summary),
      dates: { start: h.startDate, ...(h.endDate && { end: h.endDate }) },
      place: [h.place, h.city].filter(Boolean).join(', '),
      ...(h.participants !== undefined && { participants: h.participants }),
      texts: texts({ body: h.body }),
      // The page is wider than an email: the large rendition of an image we made.
      ...(h.image && imageUrl && { image: { url: renditionUrl(imageUrl, 1200) ?? imageUrl, alt: local(h.image.alt) } }),
      links: safeLinks([h.link]),
    };
  }
  const p = sent.record;
  return {
    ...common,
    kind: 'practice',
    title: local(p.title),
    summary: local(p.summary),
    ...(p.startDate && { dates: { start: p.startDate, ...(p.endDate && { end: p.endDate }) } }),
    organisation: p.organisation,
    where: { ...(p.city && { city: p.city }), region: p.region, country: p.country },
    texts: texts({ details: p.details, resources: p.resources, results: p.results, transfer: p.transfer }),
    links: safeLinks(p.links ?? []),
  };
}
