// Reading issues: the list, one issue with its sending progress per segment, and the web archive of an edition.
import { NotFoundError, ValidationError } from './errors.ts';
import type { EditionRenderer, IssueStore, SegmentCounter, SegmentCounts } from './ports.ts';
import type { Issue } from './records.ts';
import { isLanguage } from './reference.ts';

export interface IssueSummary {
  id: string;
  title: string;
  status: Issue['status'];
  createdAt: string;
  sentAt?: string;
}

export async function listIssues(issues: IssueStore): Promise<IssueSummary[]> {
  return (await issues.list()).map(({ id, title, status, createdAt, sentAt }) => ({
    id,
    title,
    status,
    createdAt,
    ...(sentAt && { sentAt }),
  }));
}

export type ProgressRow = SegmentCounts & { key: string };

export const EMPTY_COUNTS: SegmentCounts = {
  recipients: 0,
  sent: 0,
  failed: 0,
  skipped: 0,
  delivered: 0,
  bounced: 0,
  complained: 0,
  transientBounces: 0,
  uniqueOpens: 0,
  machineOpens: 0,
  repeatOpens: 0,
  uniqueClicks: 0,
  botClicks: 0,
  repeatClicks: 0,
  unsubscribed: 0,
};
export interface Progress {
  total: SegmentCounts & { pending: number };
  byCountry: ProgressRow[];
  byLanguage: ProgressRow[];
  byRegion: ProgressRow[];
  /** Per (country, language): `BG/bg`, the unit the audience is read and sent in. */
  bySegment: ProgressRow[];
}

export function summarizeProgress(counters: SegmentCounter[]): Progress {
  const rows = (dimension: SegmentCounter['dimension']): ProgressRow[] =>
    counters
      .filter((c) => c.dimension === dimension)
      .map(({ dimension: _dimension, ...row }) => row)
      .sort((a, b) => a.key.localeCompare(b.key));
  const { key: _key, ...total } = rows('total')[0] ?? { key: 'all', ...EMPTY_COUNTS };
  return {
    total: { ...total, pending: total.recipients - total.sent - total.failed - total.skipped },
    byCountry: rows('country'),
    byLanguage: rows('language'),
    byRegion: rows('region'),
    bySegment: rows('segment'),
  };
}

export async function getIssue(issues: IssueStore, id: string): Promise<Issue & { progress: Progress }> {
  const [issue, counters] = await Promise.all([issues.get(id), issues.counters(id)]);
  if (!issue) throw new NotFoundError(`issue ${id}`);
  return { ...issue, progress: summarizeProgress(counters) };
}

/** The web version of a sent edition, as an anonymous reader sees it. */
export async function archivePage(
  deps: { issues: IssueStore; renderer: EditionRenderer },
  issueId: string,
  language: string,
): Promise<string> {
  if (!isLanguage(language)) throw new ValidationError('lang', `unknown language "${language}"`);
  const [issue, edition] = await Promise.all([deps.issues.get(issueId), deps.issues.getEdition(issueId, language)]);
  // Editions are stored as a send starts; one left by a send that went back to draft is not published.
  const published = issue?.status === 'sending' || issue?.status === 'sent';
  if (!edition || !published) throw new NotFoundError(`edition ${language} of issue ${issueId}`);
  try {
    return deps.renderer.personalize(edition.html, { name: '' });
  } catch {
    // Only an edition stored before texts were made inert can fail to compile; it stays unpublished.
    throw new NotFoundError(`edition ${language} of issue ${issueId}`);
  }
}
