// The embedded stack's EventBridge Scheduler: a timer per scheduled issue (or per start of a send at a local hour),
// calling the same handler the ScheduledSend Lambda runs. Schedules live in the issues (and their starts), so a
// restart re-arms them.
import type { SendScheduler } from '../functions/domain/ports.ts';
import type { Issue } from '../functions/domain/records.ts';
import type { SendStarts } from '../functions/domain/local-time.ts';
import { logger } from '../functions/wiring/logger.ts';

/** setTimeout's ceiling (about 24.8 days); a later schedule waits in steps. */
const MAX_TIMER_MS = 2 ** 31 - 1;

type ScheduledEvent = { issueId: string; start?: number };

export class InProcessScheduler implements SendScheduler {
  private readonly timers = new Map<string, NodeJS.Timeout>();
  private target: ((event: ScheduledEvent) => Promise<void>) | undefined;
  /** Runs of the target under way, so a stop can wait for them. */
  private readonly running = new Set<Promise<void>>();

  /** The handler to invoke, set once the services it needs exist. */
  invoke(target: (event: ScheduledEvent) => Promise<void>) {
    this.target = target;
  }

  /** When each armed schedule fires, by `issueId` or `issueId#start` (what the tests look at). */
  readonly armed = new Map<string, Date>();

  async schedule(issueId: string, at: Date, start?: number): Promise<void> {
    const key = keyOf(issueId, start);
    this.clear(key);
    const wait = Math.max(0, at.getTime() - Date.now());
    const timer = setTimeout(
      () => (wait > MAX_TIMER_MS ? void this.schedule(issueId, at, start) : this.fire(key, { issueId, start })),
      Math.min(wait, MAX_TIMER_MS),
    );
    timer.unref();
    this.timers.set(key, timer);
    this.armed.set(key, at);
  }

  async cancel(issueId: string, start?: number): Promise<void> {
    this.clear(keyOf(issueId, start));
  }

  /** Re-arms the schedules of issues still waiting (after a restart), and the starts of local-time sends. */
  async resume(issues: Issue[], starts?: Pick<SendStarts, 'get'>) {
    for (const issue of issues) {
      // A paused send's later starts still come (their batches wait for the resume).
      const running = issue.status === 'sending' || issue.status === 'paused';
      const stored = starts && (issue.status === 'scheduled' || running) && (await starts.get(issue.id));
      if (stored && (running || stored.starts.some((s) => s.state === 'waiting'))) {
        for (const [n, s] of stored.starts.entries()) {
          if (s.state === 'waiting') await this.schedule(issue.id, new Date(s.at), n);
        }
        continue;
      }
      if (issue.status === 'scheduled' && issue.scheduledAt) await this.schedule(issue.id, new Date(issue.scheduledAt));
    }
  }

  async stop() {
    for (const key of [...this.timers.keys()]) this.clear(key);
    await Promise.allSettled(this.running);
  }

  private clear(key: string) {
    clearTimeout(this.timers.get(key));
    this.timers.delete(key);
    this.armed.delete(key);
  }

  private fire(key: string, event: ScheduledEvent) {
    this.timers.delete(key);
    this.armed.delete(key);
    if (!this.target) return;
    const run = this.target(event.start === undefined ? { issueId: event.issueId } : event)
      .catch((error: unknown) => logger.error('scheduled send failed', { ...event, error }))
      .finally(() => this.running.delete(run));
    this.running.add(run);
  }
}

const keyOf = (issueId: string, start?: number) => (start === undefined ? issueId : `${issueId}#${start}`);
