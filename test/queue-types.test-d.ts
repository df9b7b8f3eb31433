// Type-level tests of managed-agents-webhooks/queue, checked by `tsc -p tsconfig.test.json`
// (npm run typecheck): an expected error that does not occur fails the check.
import { Redis } from 'ioredis';
import type { WebhookEvent } from '../src/index.js';
import { createEventQueue, createEventWorker, type DeadLetter, type EnqueueResult } from '../src/queue/index.js';

declare const event: WebhookEvent;

export async function shapes(): Promise<void> {
  // BullMQ's connection shapes: options, a URL, or an ioredis instance.
  const queue = createEventQueue({
    connection: { host: '127.0.0.1', port: 6379 },
    backoff: { type: 'fixed', delay: 10 },
  });
  createEventQueue({ connection: { url: 'redis://127.0.0.1:6379' }, backoff: 500, attempts: 3 });
  createEventQueue({ connection: new Redis({ maxRetriesPerRequest: null, lazyConnect: true }) });
  // @ts-expect-error connection is required
  createEventQueue({ name: 'x' });

  const result: EnqueueResult = await queue.enqueue(event);
  const status: 'enqueued' | 'duplicate' = result.status;
  void status;
  const letters: DeadLetter[] = await queue.failed();
  const failedAt: Date | undefined = letters[0]?.failedAt;
  void failedAt;
  const count: number = await queue.retryFailed(['evt_1']);
  void count;
}

export function handlers(): void {
  createEventWorker({
    connection: { host: '127.0.0.1', port: 6379 },
    stalledInterval: 1_000, // any other BullMQ WorkerOptions pass through
    handlers: {
      // Handlers are narrowed per type and may return different types, as with dispatch.
      'session.thread_created': (e) => e.data.session_thread_id,
      'vault_credential.created': async (e) => e.data.vault_id.length,
      // @ts-expect-error session.status_idled has no session_thread_id
      'session.status_idled': (e) => e.data.session_thread_id,
      default: (e) => e.data.type,
    },
  });
  createEventWorker({
    connection: { host: '127.0.0.1', port: 6379 },
    handlers: {
      // @ts-expect-error not an event type: a typo does not compile
      'session.status_idle': () => undefined,
    },
  });
}
