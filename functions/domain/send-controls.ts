// Pausing, resuming and cancelling a running send, by an editor or by Herald itself (an auto-pause when SES refuses
// for a reason no retry fixes, or when the recipients bounce or complain too much). Each status change is one
// conditional write; what the sender does with a batch of a paused or cancelled send is in delivery.ts.
import { ConflictError, NotFoundError } from './errors.ts';
import { stopWaitingStarts, type SendStarts } from './local-time.ts';
import type { Clock, FanOutQueue, IssueStore, SendCounters, SendScheduler } from './ports.ts';
import { finishIfComplete } from './progress.ts';
import type { Issue, IssueStatus } from './records.ts';

/** Who paused a send: an editor, or one of Herald's checks. */
export type PauseCause = 'editor' | 'ses' | 'bounces' | 'complaints';

export interface ControlDeps {
  issues: Pick<IssueStore, 'get' | 'transition'>;
  counters: SendCounters;
  clock: Clock;
}

export interface ControlOutcome {
  id: string;
  status: IssueStatus;
}

async function issueOf(deps: ControlDeps, issueId: string): Promise<Issue> {
  const issue = await deps.issues.get(issueId);
  if (!issue) throw new NotFoundError(`issue ${issueId}`);
  return issue;
}

/** Pauses a running send: no batch calls SES after this (those already calling finish). Pausing twice is one pause. */
export async function pauseSend(deps: ControlDeps, issueId: string): Promise<ControlOutcome> {
  const issue = await issueOf(deps, issueId);
  if (issue.status === 'paused') return { id: issueId, status: 'paused' };
  const fields = { pausedAt: deps.clock.now().toISOString(), pauseReason: 'paused by an editor', pausedBy: 'editor' };
  if (issue.status !== 'sending' || !(await deps.issues.transition(issueId, 'sending', 'paused', fields))) {
    const now = (await deps.issues.get(issueId))?.status ?? issue.status;
    if (now === 'paused') return { id: issueId, status: 'paused' };
    throw new ConflictError(`issue ${issueId} is ${now}; only a send that is running can be paused`);
  }
  return { id: issueId, status: 'paused' };
}

/**
 * Resumes a paused send: its waiting batches go out at their next look (delivery.ts). A send paused for its bounce
 * or complaint rate is not paused for a rate again: the editor looked and chose to go on.
 */
export async function resumePausedSend(deps: ControlDeps, issueId: string): Promise<ControlOutcome> {
  const issue = await issueOf(deps, issueId);
  if (issue.status === 'sending') return { id: issueId, status: 'sending' };
  const fields = {
    resumedAt: deps.clock.now().toISOString(),
    ...((issue.pausedBy === 'bounces' || issue.pausedBy === 'complaints') && { ratesAccepted: true }),
  };
  if (issue.status !== 'paused' || !(await deps.issues.transition(issueId, 'paused', 'sending', fields))) {
    const now = (await deps.issues.get(issueId))?.status ?? issue.status;
    if (now === 'sending') return { id: issueId, status: 'sending' };
    throw new ConflictError(`issue ${issueId} is ${now}; only a paused send can be resumed`);
  }
  // Its last batches may have ended while it was paused: then it is complete now.
  const { complete } = await finishIfComplete(deps, issueId);
  return { id: issueId, status: complete ? 'sent' : 'sending' };
}

/**
 * Cancels a send: a running or paused one ends `cancelled` (every recipient not sent yet ends `cancelled` as the
 * senders reach their batch), and no schedule of it starts any more; a scheduled one that has not started is a
 * draft again. Cancelling twice is one cancel; a send that ended first stays sent.
 */
export async function cancelSend(
  deps: ControlDeps & {
    scheduler: Pick<SendScheduler, 'cancel'>;
    starts: Pick<SendStarts, 'get' | 'move'>;
    fanOut: FanOutQueue;
  },
  issueId: string,
): Promise<ControlOutcome> {
  let issue = await issueOf(deps, issueId);
  const fields = { cancelledAt: deps.clock.now().toISOString() };
  // A pause and a resume may race the cancel: each try is conditional on the status just read.
  for (let tries = 0; tries < 3; tries += 1) {
    if (issue.status === 'cancelled') return { id: issueId, status: 'cancelled' };
    if (issue.status === 'scheduled') {
      if (await deps.issues.transition(issueId, 'scheduled', 'draft')) {
        await stopWaitingStarts(deps, issueId);
        await deps.scheduler.cancel(issueId);
        return { id: issueId, status: 'draft' };
      }
    } else if (issue.status === 'sending' || issue.status === 'paused') {
      if (await deps.issues.transition(issueId, issue.status, 'cancelled', fields)) {
        // The starts still to come of a send at a local hour start nothing now, and their segments are closed so
        // the audience completes and the send ends.
        await stopWaitingStarts(deps, issueId);
        await deps.scheduler.cancel(issueId);
        return { id: issueId, status: 'cancelled' };
      }
    } else {
      throw new ConflictError(
        `issue ${issueId} is ${issue.status}; only a scheduled, running or paused send can be cancelled`,
      );
    }
    issue = await issueOf(deps, issueId);
  }
  throw new ConflictError(`issue ${issueId} changed while it was being cancelled; try again`);
}

// Auto-pause.

/** When a send pauses for its recipients' reactions; the project profile may set each (`sending`). */
export interface SendLimits {
  /** Permanent bounces per mail sent above which the send pauses (SES reviews an account from 5 %). */
  maxBounceRate: number;
  /** Complaints per mail sent above which the send pauses (SES reviews an account from 0.1 %). */
  maxComplaintRate: number;
  /**
   * Mails sent before either rate counts: below a thousand, one complaint alone is 0.1 %, and a few early bounces
   * from one stale domain are no sign of the list's health.
   */
  minSent: number;
}

export const DEFAULT_SEND_LIMITS: SendLimits = { maxBounceRate: 0.05, maxComplaintRate: 0.001, minSent: 1000 };

/** The project's limits: its profile's `sendLimits`, the defaults for what it leaves out. */
export const sendLimitsOf = (profile: { sendLimits?: Partial<SendLimits> | undefined }): SendLimits => ({
  ...DEFAULT_SEND_LIMITS,
  ...Object.fromEntries(Object.entries(profile.sendLimits ?? {}).filter(([, v]) => v !== undefined)),
});

export interface AutoPause {
  cause: PauseCause;
  reason: string;
}

const percent = (rate: number) => `${(rate * 100).toFixed(rate < 0.01 ? 2 : 1)} %`;

/** The reason a send's counts call for a pause, if they do. */
export function rateBreach(
  total: { sent: number; bounced: number; complained: number },
  limits: SendLimits,
): AutoPause | undefined {
  if (total.sent < limits.minSent || total.sent === 0) return undefined;
  const bounceRate = total.bounced / total.sent;
  if (bounceRate > limits.maxBounceRate) {
    return {
      cause: 'bounces',
      reason: `bounce rate ${percent(bounceRate)} (${total.bounced} of ${total.sent} sent) is above ${percent(limits.maxBounceRate)}`,
    };
  }
  const complaintRate = total.complained / total.sent;
  if (complaintRate > limits.maxComplaintRate) {
    return {
      cause: 'complaints',
      reason: `complaint rate ${percent(complaintRate)} (${total.complained} of ${total.sent} sent) is above ${percent(limits.maxComplaintRate)}`,
    };
  }
  return undefined;
}

/** Pauses a running send for `pause`; false when it was not running (paused, cancelled or ended already). */
export async function autoPause(
  deps: Pick<ControlDeps, 'issues' | 'clock'>,
  issueId: string,
  pause: AutoPause,
): Promise<boolean> {
  return deps.issues.transition(issueId, 'sending', 'paused', {
    pausedAt: deps.clock.now().toISOString(),
    pauseReason: pause.reason,
    pausedBy: pause.cause,
  });
}

/**
 * After a bounce or complaint of a running send: pauses it when a rate crosses its limit (once per send: after an
 * editor resumes it, rates no longer pause it). The pause made, if any.
 */
export async function pauseOnReactions(
  deps: Pick<ControlDeps, 'issues' | 'clock'> & { counters: Pick<SendCounters, 'readTotal'>; limits: SendLimits },
  issueId: string,
): Promise<AutoPause | undefined> {
  const issue = await deps.issues.get(issueId);
  if (issue?.status !== 'sending' || issue.ratesAccepted) return undefined;
  const breach = rateBreach(await deps.counters.readTotal(issueId), deps.limits);
  return breach && (await autoPause(deps, issueId, breach)) ? breach : undefined;
}
