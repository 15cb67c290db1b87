// The embedded stack's EventBridge Scheduler: a timer per scheduled issue, calling the same handler the
// ScheduledSend Lambda runs. Schedules live in the issues themselves, so a restart re-arms them.
import type { SendScheduler } from '../functions/domain/ports.ts';
import type { Issue } from '../functions/domain/records.ts';
import { logger } from '../functions/wiring/logger.ts';

/** setTimeout's ceiling (about 24.8 days); a later schedule waits in steps. */
const MAX_TIMER_MS = 2 ** 31 - 1;

export class InProcessScheduler implements SendScheduler {
  private readonly timers = new Map<string, NodeJS.Timeout>();
  private target: ((event: { issueId: string }) => Promise<void>) | undefined;
  /** Runs of the target under way, so a stop can wait for them. */
  private readonly running = new Set<Promise<void>>();

  /** The handler to invoke, set once the services it needs exist. */
  invoke(target: (event: { issueId: string }) => Promise<void>) {
    this.target = target;
  }

  async schedule(issueId: string, at: Date): Promise<void> {
    this.clear(issueId);
    const wait = Math.max(0, at.getTime() - Date.now());
    const timer = setTimeout(
      () => (wait > MAX_TIMER_MS ? void this.schedule(issueId, at) : this.fire(issueId)),
      Math.min(wait, MAX_TIMER_MS),
    );
    timer.unref();
    this.timers.set(issueId, timer);
  }

  async cancel(issueId: string): Promise<void> {
    this.clear(issueId);
  }

  /** Re-arms the schedules of issues still waiting (after a restart). */
  async resume(issues: Issue[]) {
    for (const issue of issues) {
      if (issue.status === 'scheduled' && issue.scheduledAt) await this.schedule(issue.id, new Date(issue.scheduledAt));
    }
  }

  async stop() {
    for (const id of [...this.timers.keys()]) this.clear(id);
    await Promise.allSettled(this.running);
  }

  private clear(issueId: string) {
    clearTimeout(this.timers.get(issueId));
    this.timers.delete(issueId);
  }

  private fire(issueId: string) {
    this.timers.delete(issueId);
    if (!this.target) return;
    const run = this.target({ issueId })
      .catch((error: unknown) => logger.error('scheduled send failed', { issueId, error }))
      .finally(() => this.running.delete(run));
    this.running.add(run);
  }
}
