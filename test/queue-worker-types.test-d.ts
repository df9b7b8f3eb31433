// Type-level tests of createEventWorker's handler map, checked by `tsc -p tsconfig.test.json`
// (npm run typecheck): the map is typed exactly as dispatch's, so a key that is not an event type
// fails to compile however the map is written — an expected error that does not occur fails the check.
import type { Job } from 'bullmq';
import { dispatch, type EventHandlers, type WebhookEvent } from '../src/index.js';
import {
  createEventWorker,
  type EventJobData,
  type EventWorkerOptions,
  type HandlerContext,
  type WorkerHandlers,
} from '../src/queue/index.js';

declare const event: WebhookEvent;
const connection = { host: '127.0.0.1', port: 6379 };

export function typoInAVariable(): void {
  const handlers = {
    'agent.created': (e: WebhookEvent) => e.id,
    'agent.creatd': (e: WebhookEvent) => e.id,
  };
  // @ts-expect-error 'agent.creatd' is not an event type (dispatch refuses it too)
  void dispatch(event, handlers);
  // @ts-expect-error 'agent.creatd' is not an event type
  createEventWorker({ connection, handlers });
  // @ts-expect-error the same map spread into the literal
  createEventWorker({ connection, handlers: { ...handlers } });
  // @ts-expect-error the same map spread beside a valid key
  createEventWorker({ connection, handlers: { ...handlers, default: () => undefined } });
}

export function typoInOptionsHeldInAVariable(): void {
  const options = { connection, handlers: { 'agent.creatd': () => undefined, default: () => undefined } };
  // @ts-expect-error the options object as a whole, typo included
  createEventWorker(options);
}

export function validMapsStillCompile(): void {
  const handlers = { 'agent.created': (e: { data: { id: string } }) => e.data.id, default: () => 1 };
  void dispatch(event, handlers);
  createEventWorker({ connection, handlers });
  createEventWorker({ connection, handlers: { ...handlers } });
  // A map typed for dispatch fits the worker as it is.
  const forDispatch: EventHandlers = { 'session.status_idled': (e) => e.data.id };
  createEventWorker({ connection, handlers: forDispatch });
  const typed: EventWorkerOptions = { connection, handlers: { default: () => 1 } };
  createEventWorker(typed);
  const forWorker: WorkerHandlers = { default: (_e, { signal }) => signal.aborted };
  createEventWorker({ connection, handlers: forWorker, handlerTimeoutMs: Infinity });
}

export function handlersGetTheContext(): void {
  createEventWorker({
    connection,
    handlerTimeoutMs: 60_000,
    handlers: {
      'session.status_idled': async (e, { signal, job }) => {
        const aborted: boolean = signal.aborted;
        const bullJob: Job<EventJobData> = job;
        const narrowed: 'session.status_idled' = e.data.type;
        void aborted;
        void bullJob;
        void narrowed;
      },
      default: (e, context: HandlerContext) => [e.data.type, context.job.attemptsMade],
    },
  });
  createEventWorker({
    connection,
    handlers: {
      // @ts-expect-error the context has no `event` field
      default: (_e, { event: nope }) => nope,
    },
  });
  // @ts-expect-error handlerTimeoutMs is a number of milliseconds
  createEventWorker({ connection, handlers: {}, handlerTimeoutMs: '5m' });
}
