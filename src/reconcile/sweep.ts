import type { Anthropic } from '@anthropic-ai/sdk';
import type { BetaManagedAgentsSession } from '@anthropic-ai/sdk/resources/beta';
import type { BetaManagedAgentsSessionThread } from '@anthropic-ai/sdk/resources/beta/sessions';
import type { SessionListParams } from '@anthropic-ai/sdk/resources/beta/sessions/sessions';
import type { ThreadListParams } from '@anthropic-ai/sdk/resources/beta/sessions/threads';
import { checkOptions, fail } from '../core/errors.js';
import { clockOption, durationOption, type Clock } from '../core/options.js';
import { observeSweep } from '../instrument/sweep.js';
import type { EnqueueResult } from '../queue/event-queue.js';
import { sessionHint, sessionKey, threadHint, threadKey, type SweepHint } from './hint.js';
import type { StateStore } from './store.js';
import { resourceVersion } from './version.js';

/** One page of a list call, as the SDK returns it (`BidirectionalPageCursor`, `PageCursor`). */
export interface ListPage<T> {
  /** The page's items. */
  data: T[];
  /** Whether `getNextPage` has a page to fetch. */
  hasNextPage(): boolean;
  /** The next page: one request. */
  getNextPage(): PromiseLike<ListPage<T>>;
}

/**
 * The part of an `@anthropic-ai/sdk` client the sweep calls: `beta.sessions.list` and
 * `beta.sessions.threads.list`. A `new Anthropic()` fits.
 */
export interface SweepClient {
  beta: {
    sessions: {
      /** `GET /v1/sessions`: a page of sessions, newest created first by default. */
      list(
        params: SessionListParams,
        options?: Anthropic.RequestOptions,
      ): PromiseLike<ListPage<BetaManagedAgentsSession>>;
      threads: {
        /** `GET /v1/sessions/{id}/threads`: a page of the session's threads. */
        list(
          sessionId: string,
          params: ThreadListParams,
          options?: Anthropic.RequestOptions,
        ): PromiseLike<ListPage<BetaManagedAgentsSessionThread>>;
      };
    };
  };
}

/** Where the sweep puts its hints: a `createEventQueue` queue (only `enqueue` is used). */
export interface HintQueue {
  /** Stores a hint as a job; `duplicate` when a job of its id exists. */
  enqueue(event: SweepHint): Promise<EnqueueResult>;
}

/** The list filters the sweep may narrow to: any of the SDK's, except paging and order. */
export type SweepFilter = Omit<SessionListParams, 'limit' | 'page' | 'order' | 'betas'>;

/** Options of `createSweep`. */
export interface SweepOptions {
  /** An `@anthropic-ai/sdk` client (`new Anthropic()`). */
  client: SweepClient;
  /** The queue the workers read (`createEventQueue`): hints go there, beside webhook events. */
  queue: HintQueue;
  /** The same store the workers' `levelTriggered` uses. */
  store: StateStore;
  /**
   * Count only changes after this time instead of the stored baseline: a catch-up after an
   * incident (`reconcile --since`). Without it the first run stores "now" as the baseline, so
   * turning the sweep on does not act on history.
   */
  since?: Date | string;
  /** Sessions (and threads) per list request, 1–100; default 100, the API's largest page. */
  pageSize?: number;
  /** Whether to list the threads of sessions that changed; default true. */
  threads?: boolean;
  /**
   * Narrows the sessions listed: `statuses`, `agent_id`, `include_archived`, `created_at[gte]`,
   * `workspace_id`, … as the SDK takes them. A `created_at[gte]` horizon bounds the cost (the list
   * is ordered by creation, so every session it returns is read on every sweep); `workspace_id`
   * is also put on the hints, for a credential that acts on several Workspaces.
   */
  filter?: SweepFilter;
  /**
   * Allowance for the platform's clock running ahead of ours, in milliseconds; default 60,000.
   * Threads are listed for sessions updated since the previous sweep started, less this.
   */
  skewMs?: number;
  /** Report what would be enqueued without enqueueing it or moving the sweep's mark. */
  dryRun?: boolean;
  /** Called for each hint: enqueued, already queued (`duplicate`), or `dry_run`. */
  onHint?: (hint: SweepHint, outcome: EnqueueResult['status'] | 'dry_run') => void;
  /** The clock: a `Date`, milliseconds since the epoch, or a function giving either; default `Date.now`. */
  now?: Clock;
}

/** What one sweep did. */
export interface SweepResult {
  /** Sessions and threads the list calls returned. */
  listed: number;
  /** Of those, the ones newer than what was handled (and than the baseline): one hint each. */
  changed: number;
  /** Hints that became new jobs; the rest were already queued (the same id). */
  enqueued: number;
  /** API requests made: one per page of sessions and per page of threads. */
  requests: number;
  /** The time changes were counted from (the baseline, `since`, or the retention horizon). */
  from: Date;
}

/** A reconciliation sweep; `run()` does one pass. */
export interface Sweep {
  /**
   * Pages through the sessions (and the threads of the sessions that changed) and enqueues a
   * hint for each one newer than its handled version. Rejects on an API or Redis failure; what
   * was enqueued stays, and the next sweep starts from the same mark.
   *
   * @example
   * ```ts
   * const { listed, changed, enqueued, requests } = await sweep.run();
   * ```
   */
  run(): Promise<SweepResult>;
}

const DEFAULT_SKEW_MS = 60_000;

/**
 * The resync of a level-triggered controller: a pass over `client.beta.sessions.list` (pages of
 * 100, auto-paginated) that hands every session whose `updated_at` is newer than its handled
 * version — and newer than the baseline — to the workers' queue as a hint, then does the same for
 * the threads of the sessions that changed (`client.beta.sessions.threads.list`). No retrieve is
 * made for anything: the list carries `updated_at`, and the worker retrieves only what it acts on.
 * So a webhook that never arrived (dropped after the sender's three attempts, sent while the
 * endpoint was disabled, refused with a rotated secret) costs at most one sweep interval.
 *
 * Hint ids are `sweep_session_<id>_<version>`: sweeps that run before a worker takes one find it
 * queued (`duplicate`). The first run stores a baseline (its start) in the store: changes before
 * it are history and are not acted on; `since` replaces it for a catch-up. Changes older than the
 * store's `retentionSeconds` are not counted either (their handled versions have expired).
 *
 * Cost per run: ⌈sessions listed / 100⌉ requests, plus one per page of threads of each session
 * updated since the previous sweep (or not yet handled). The list is ordered by `created_at`, not
 * `updated_at`, so it cannot stop early: bound it with `filter` (`created_at[gte]`, `statuses`).
 * Archived sessions are not listed unless `filter.include_archived`; deletions are never listed.
 *
 * @example
 * ```ts
 * const sweep = createSweep({ client: new Anthropic(), queue: createEventQueue({ connection }), store });
 * const { listed, changed, enqueued, requests } = await sweep.run();
 * ```
 */
export function createSweep(options: SweepOptions): Sweep {
  checkOptions(options, 'createSweep: options', '{ client, queue, store }');
  const { client, queue, store, filter = {}, dryRun = false, onHint } = options;
  if (typeof client?.beta?.sessions?.list !== 'function') {
    fail('invalid_options', 'createSweep needs { client }: an @anthropic-ai/sdk client (new Anthropic()).');
  }
  if (typeof queue?.enqueue !== 'function') {
    fail(
      'invalid_options',
      'createSweep needs { queue }: createEventQueue({ connection }), the queue the workers read.',
    );
  }
  if (typeof store?.handled !== 'function') {
    fail('invalid_options', 'createSweep needs { store }: the redisStateStore the workers use.');
  }
  const pageSize = options.pageSize ?? 100;
  if (!Number.isInteger(pageSize) || pageSize < 1 || pageSize > 100) {
    fail(
      'invalid_options',
      `createSweep: pageSize must be a whole number from 1 to 100; got ${String(pageSize)}. Leave it out for 100.`,
    );
  }
  const skewMs = durationOption(options.skewMs, 'createSweep: skewMs', {
    unit: 'ms',
    fallback: DEFAULT_SKEW_MS,
    kind: 'offset',
  });
  const since = options.since === undefined ? undefined : sinceVersion(options.since);
  const now = clockOption(options.now, 'createSweep: now');
  const threads = options.threads ?? true;
  const workspace = filter.workspace_id ?? '';

  async function sweepOnce(): Promise<SweepResult> {
    const started = now() * 1000;
    const result: SweepResult = { listed: 0, changed: 0, enqueued: 0, requests: 0, from: new Date(0) };
    const floor = since ?? Math.max(await store.baseline(started), started - store.retentionSeconds * 1_000_000);
    const mark = since ?? (await store.sweepMark()) ?? floor;
    const threadsFrom = Math.max(floor, mark - skewMs * 1000);
    result.from = new Date(Math.floor(floor / 1000));

    const hint = async (event: SweepHint): Promise<void> => {
      result.changed++;
      if (dryRun) return onHint?.(event, 'dry_run');
      const { status } = await queue.enqueue(event);
      if (status === 'enqueued') result.enqueued++;
      onHint?.(event, status);
    };

    for await (const sessions of pages(client.beta.sessions.list({ ...filter, limit: pageSize }), result)) {
      const recent = sessions.filter((session) => resourceVersion(session.updated_at) > floor);
      const handled = await store.handled(recent.map((session) => sessionKey(session.id)));
      for (const [i, session] of recent.entries()) {
        const version = resourceVersion(session.updated_at);
        const unhandled = version > (handled[i] ?? -1);
        if (unhandled) await hint(sessionHint(session, workspace));
        if (threads && (unhandled || version > threadsFrom)) {
          await sweepThreads(session.id, floor, result, hint);
        }
      }
    }
    if (!dryRun) await store.setSweepMark(started);
    return result;
  }

  async function sweepThreads(
    sessionId: string,
    floor: number,
    result: SweepResult,
    hint: (event: SweepHint) => Promise<void>,
  ): Promise<void> {
    const scope = filter.workspace_id === undefined ? {} : { workspace_id: filter.workspace_id };
    for await (const list of pages(
      client.beta.sessions.threads.list(sessionId, { ...scope, limit: pageSize }),
      result,
    )) {
      const recent = list.filter((thread) => resourceVersion(thread.updated_at) > floor);
      const handled = await store.handled(recent.map((thread) => threadKey(sessionId, thread.id)));
      for (const [i, thread] of recent.entries()) {
        if (resourceVersion(thread.updated_at) > (handled[i] ?? -1)) await hint(threadHint(thread, workspace));
      }
    }
  }

  return {
    // The one place a sweep starts and ends: its span (`anthropic.webhook.sweep`) and the
    // `anthropic.webhook.reconciled` counter, when telemetry is on.
    run: () => observeSweep(sweepOnce),
  };
}

/** The pages of a list call, counting one request per page and the items listed. */
async function* pages<T>(first: PromiseLike<ListPage<T>>, result: SweepResult): AsyncGenerator<T[]> {
  let page = await first;
  for (;;) {
    result.requests++;
    result.listed += page.data.length;
    yield page.data;
    if (!page.hasNextPage()) return;
    page = await page.getNextPage();
  }
}

function sinceVersion(since: Date | string): number {
  const ms = since instanceof Date ? since.getTime() : typeof since === 'string' ? Date.parse(since) : NaN;
  if (!Number.isFinite(ms)) {
    fail(
      'invalid_options',
      `createSweep: since must be a Date or an ISO time such as "2026-04-01T12:00:00Z"; got ${String(since)}.`,
    );
  }
  return ms * 1000;
}
