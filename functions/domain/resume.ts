// Resuming a send the embedded stack was stopped in, before the queues start (so nothing races it): missing
// editions are rendered, the counts are set from the delivery records (progress.ts), and the fan-out runs again,
// leaving out whoever has a record. A paused send is rebuilt the same way: its batches wait on the queue again
// until it is resumed; a cancelled one that had not ended gets its batches back, to end its recipients cancelled.
import { loadIssueContent } from './edition.ts';
import type { DeliveryClaims, DeliveryRecords } from './ports.ts';
import type { Issue } from './records.ts';
import { recountAfterRestart } from './progress.ts';
import type { SendStarts } from './local-time.ts';
import { enqueueFanOut, plannedAudience, planFanOut, renderEditions, storeEditions, type SendDeps } from './sending.ts';

export type ResumeDeps = SendDeps & {
  deliveries: Pick<DeliveryRecords, 'records'> & Pick<DeliveryClaims, 'failClaim'>;
  /** A send at a local hour: only the starts begun are fanned out again; the waiting ones keep their schedules. */
  starts?: Pick<SendStarts, 'get'>;
};

/** A send the stack may have stopped in: started, and not ended (a cancelled one ends once reconciled). */
export const isInterrupted = (issue: Pick<Issue, 'status' | 'reconciledAt'>) =>
  issue.status === 'sending' || issue.status === 'paused' || (issue.status === 'cancelled' && !issue.reconciledAt);

export async function resumeSend(
  deps: ResumeDeps,
  issueId: string,
): Promise<{ handled: number; unknownOutcome: number } | undefined> {
  const issue = await deps.issues.get(issueId);
  if (!issue || !isInterrupted(issue)) return undefined;

  // Stopped while rendering: the missing editions are rendered now (only a running send can be; the others were).
  const languages = deps.reference.languages;
  const stored = await Promise.all(languages.map((language) => deps.issues.getEdition(issueId, language)));
  if (issue.status === 'sending' && stored.some((e) => !e)) {
    // Nothing was queued before every edition was stored: one that cannot be is a draft again, not a stuck send.
    const content = await loadIssueContent(deps.content, issue);
    const editions = await renderEditions(deps, issue, content).catch(async (error: unknown) => {
      await deps.issues.transition(issueId, 'sending', 'draft');
      throw error;
    });
    await storeEditions(deps, issueId, editions, content);
  }

  // No sender runs yet: every open claim is abandoned.
  const { final, unknownOutcome } = await recountAfterRestart(deps, issueId);
  const local = (await deps.starts?.get(issueId))?.starts;
  if (local?.some((s) => s.segments)) {
    const begun = local.filter((s) => s.state === 'started').flatMap((s) => s.countries);
    const all = local.flatMap((s) => s.segments ?? []);
    await planFanOut(deps, issueId, all, { resume: true, selection: issue.audience, countries: begun });
    const cancelled = local.filter((s) => s.state === 'cancelled').flatMap((s) => s.segments ?? []);
    await enqueueFanOut(deps, issueId, cancelled, { cancelled: true });
  } else {
    const { segments } = await plannedAudience(deps, issue);
    await planFanOut(deps, issueId, segments, { resume: true, selection: issue.audience });
  }
  return { handled: final, unknownOutcome };
}
