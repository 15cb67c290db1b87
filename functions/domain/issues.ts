// Reading issues: the list, one issue with its sending progress per segment, and the web archive of an edition.
import { isPublished } from './archive.ts';
import { NotFoundError } from './errors.ts';
import type { EditionRenderer, IssueStore, SendCounters } from './ports.ts';
import { summarizeProgress, type Progress } from './progress.ts';
import type { Issue } from './records.ts';
import type { Reference } from './reference.ts';

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

export async function getIssue(
  deps: { issues: IssueStore; counters: SendCounters },
  id: string,
): Promise<Issue & { progress: Progress }> {
  const [issue, counters] = await Promise.all([deps.issues.get(id), deps.counters.all(id)]);
  if (!issue) throw new NotFoundError(`issue ${id}`);
  return { ...issue, progress: summarizeProgress(counters) };
}

/** The archive pages a process has made: `pageOf` returns the one made from `source`, made by `make` if need be. */
export interface ArchivePages {
  pageOf(key: string, source: string, make: (source: string) => string | undefined): string | undefined;
}

/**
 * Archive pages kept by this process, by issue and language. Filling an edition's placeholders compiles up to
 * 300 KB of template, and every reader gets the same page: so it is done once per stored edition. An entry counts
 * only while the stored edition is the one it was made from (an edition is stored again when a send that went back
 * to draft starts over); past `capacity` the least recently read goes. A page is `undefined` when its edition
 * fails to compile, which is kept too.
 */
export function archivePages(capacity = 32): ArchivePages {
  const entries = new Map<string, { source: string; page: string | undefined }>();
  return {
    pageOf(key, source, make) {
      const known = entries.get(key);
      const entry = known?.source === source ? known : { source, page: make(source) };
      // A Map keeps insertion order: inserting again makes the entry the most recently read.
      entries.delete(key);
      entries.set(key, entry);
      if (entries.size > capacity) entries.delete(entries.keys().next().value!);
      return entry.page;
    },
  };
}

/** The web version of a sent edition, as an anonymous reader sees it (the same page for every reader). */
export async function archivePage(
  deps: { issues: IssueStore; renderer: EditionRenderer; reference: Reference; archivePages?: ArchivePages },
  issueId: string,
  language: string,
): Promise<string> {
  if (!deps.reference.isLanguage(language)) throw new NotFoundError(`the archive in "${language}"`);
  const [issue, edition] = await Promise.all([deps.issues.get(issueId), deps.issues.getEdition(issueId, language)]);
  // Editions are stored as a send starts; one left by a send that went back to draft is not published.
  if (!edition || !isPublished(issue)) throw new NotFoundError(`edition ${language} of issue ${issueId}`);
  const make = (html: string) => {
    try {
      return deps.renderer.personalize(html, { name: '' });
    } catch {
      // Only an edition stored before texts were made inert can fail to compile; it stays unpublished.
      return undefined;
    }
  };
  const page = deps.archivePages
    ? deps.archivePages.pageOf(`${issueId}#${language}`, edition.html, make)
    : make(edition.html);
  if (page === undefined) throw new NotFoundError(`edition ${language} of issue ${issueId}`);
  return page;
}
