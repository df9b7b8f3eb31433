import { instrumentation, type SweepCounts } from './hook.js';

/**
 * Runs one reconciliation sweep, inside an `anthropic.webhook.sweep` span when telemetry is on;
 * the enqueues made inside mark their jobs so the worker links to the sweep rather than continuing
 * its trace.
 */
export function observeSweep<R extends SweepCounts>(run: () => Promise<R>): Promise<R> {
  const telemetry = instrumentation();
  return telemetry === undefined ? run() : telemetry.sweep(run);
}
