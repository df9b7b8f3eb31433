import type { ConnectionOptions } from 'bullmq';
import { createEventWorker, type EventWorker } from 'managed-agents-webhooks/queue';
import { fetchResource, type ResourceClient } from 'managed-agents-webhooks/resources';

export interface WorkerOptions {
  connection: ConnectionOptions;
  /** An `@anthropic-ai/sdk` client: `new Anthropic()`. */
  client: ResourceClient;
  /** Where the handlers report what they did. */
  log: (line: string) => void;
  /** BullMQ's stalled-job check interval; default BullMQ's 30 s. */
  stalledInterval?: number;
}

/**
 * Takes events off the queue and fetches what each is about: events carry only ids and arrive in
 * any order, so the handlers act on the resource's current state. A throw (the API or your own
 * downstream is down) fails the attempt; BullMQ retries it with backoff, then keeps a dead letter
 * for `managed-agents-webhooks queue retry`.
 */
export function startWorker(options: WorkerOptions): EventWorker {
  const { client, log } = options;
  const worker = createEventWorker({
    connection: options.connection,
    concurrency: 10,
    ...(options.stalledInterval === undefined ? {} : { stalledInterval: options.stalledInterval }),
    handlers: {
      'session.status_idled': async (event) => {
        const result = await fetchResource(client, event);
        if (result.status === 'found') log(`session ${result.resource.id} is ${result.resource.status}`);
        else log(`session ${event.data.id} is gone`);
      },
      default: async (event) => {
        const result = await fetchResource(client, event);
        log(`${event.data.type} ${event.data.id}: ${result.status}`);
      },
    },
  });
  worker.worker.on('failed', (job, error) => log(`event ${job?.data.event.id ?? '?'} failed: ${error.message}`));
  worker.worker.on('error', (error) => log(`worker: ${error.message}`));
  return worker;
}
