// Finishing a send that was interrupted (the embedded stack stopped mid-send): its delivery records are the
// truth. Claims left open end as OUTCOME_UNKNOWN, the counters are recounted from the records, and the
// audience is read again for whoever has no record yet. Runs before the queues start, so nothing races it.
import { OUTCOME_UNKNOWN } from './delivery.ts';
import { loadIssueContent } from './edition.ts';
import type { DeliveryStore, SegmentCounter } from './ports.ts';
import { LANGUAGES } from './reference.ts';
import { countSegments, planFanOut, renderEditions, storeEditions, type SendDeps } from './sending.ts';
import { countIncrements } from './segments.ts';
import { EMPTY_COUNTS } from './issues.ts';

export type ResumeDeps = SendDeps & { deliveries: DeliveryStore };

export async function resumeSend(
  deps: ResumeDeps,
  issueId: string,
): Promise<{ handled: number; unknownOutcome: number } | undefined> {
  const issue = await deps.issues.get(issueId);
  if (issue?.status !== 'sending') return undefined;

  // Stopped while rendering: the missing editions are rendered now.
  const stored = await Promise.all(LANGUAGES.map((language) => deps.issues.getEdition(issueId, language)));
  if (stored.some((e) => !e)) {
    // Nothing was queued before every edition was stored: one that cannot be is a draft again, not a stuck send.
    const editions = await renderEditions(deps, issue, await loadIssueContent(deps.content, issue)).catch(
      async (error: unknown) => {
        await deps.issues.transition(issueId, 'sending', 'draft');
        throw error;
      },
    );
    await storeEditions(deps, issueId, editions);
  }

  const counters = new Map<string, SegmentCounter>();
  const add = (
    country: string,
    language: string,
    region: string,
    name: 'recipients' | 'sent' | 'failed' | 'skipped',
  ) => {
    for (const { dimension, key } of countIncrements(country, language, [region], name)) {
      const id = `${dimension}#${key}`;
      const counter = counters.get(id) ?? { dimension, key, ...EMPTY_COUNTS };
      counter[name] += 1;
      counters.set(id, counter);
    }
  };
  let handled = 0;
  let unknownOutcome = 0;
  const now = deps.clock.now().toISOString();
  for await (const page of deps.deliveries.records(issueId)) {
    for (const record of page) {
      let status = record.status;
      if (status === 'claimed') {
        await deps.deliveries.failClaim(issueId, record.subscriberId, record.claimedAt, OUTCOME_UNKNOWN, now);
        status = 'failed';
        unknownOutcome += 1;
      }
      add(record.country, record.language, record.region, 'recipients');
      add(record.country, record.language, record.region, status);
      handled += 1;
    }
  }
  await deps.issues.resetSendingCounts(issueId, [...counters.values()]);
  await planFanOut(deps, issueId, [...(await countSegments(deps.audience)).values()], { resume: true });
  return { handled, unknownOutcome };
}
