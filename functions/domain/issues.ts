// Reading issues: the list, one issue with its sending progress per segment, and the web archive of an edition.
import { NotFoundError, ValidationError } from './errors.ts';
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

/** The web version of a sent edition, as an anonymous reader sees it. */
export async function archivePage(
  deps: { issues: IssueStore; renderer: EditionRenderer; reference: Reference },
  issueId: string,
  language: string,
): Promise<string> {
  if (!deps.reference.isLanguage(language)) throw new ValidationError('lang', `unknown language "${language}"`);
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
