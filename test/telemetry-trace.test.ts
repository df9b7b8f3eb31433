// One delivery, one trace: a real node:http receiver (unwrapNodeRequest → queue.enqueue), a real
// redis-server and BullMQ worker, and the real @anthropic-ai/sdk with its own tracing on against a
// loopback stub. The spans must chain receive → enqueue → process → fetch_resource → the SDK's
// anthropic.sessions.retrieve, all in one trace; BullMQ's own telemetry option passes through; a
// failing job ends as a dead letter on the counter; a sweep's jobs link to it instead.
import Anthropic from '@anthropic-ai/sdk';
import { SpanKind, SpanStatusCode } from '@opentelemetry/api';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { BullMQOtel } from 'bullmq-otel';
import { createServer, type Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateSecret, isWebhookVerificationError, type WebhookEvent } from '../src/index.js';
import { unwrapNodeRequest } from '../src/adapters/node.js';
import {
  createEventQueue,
  createEventWorker,
  eventJobId,
  type EventQueue,
  type EventWorker,
} from '../src/queue/index.js';
import { createSweep, memoryStateStore } from '../src/reconcile/index.js';
import { fetchResource, type FetchResult } from '../src/resources/index.js';
import { enableTelemetry } from '../src/telemetry/index.js';
import { delivery } from './support/deliveries.js';
import { close, listen, post } from './support/http.js';
import { until } from './support/redis-process.js';
import { startRedis, type RedisServer } from './support/redis-server.js';
import { startSdkStub, type SdkStubServer } from './support/sdk-stub-server.js';
import { startTestTelemetry, total, type TestTelemetry } from './support/telemetry-sdk.js';

const secret = generateSecret();
let redis: RedisServer;
let stub: SdkStubServer;
let otel: TestTelemetry;
let client: Anthropic;
let disable: () => void;
const open: Array<EventQueue | EventWorker | Server> = [];
let names = 0;

beforeAll(async () => {
  otel = startTestTelemetry();
  disable = enableTelemetry();
  [redis, stub] = await Promise.all([startRedis(), startSdkStub()]);
  stub.respond = (request) => ({
    status: 200,
    body: { type: 'session', id: request.url.split('?')[0]?.split('/').at(-1), status: 'idle' },
  });
  // Tracing on explicitly, whatever the environment says: its span is what must nest under ours.
  client = new Anthropic({ apiKey: 'sk-ant-test', baseURL: stub.url, maxRetries: 0, openTelemetry: { traces: true } });
});
afterAll(async () => {
  disable?.();
  for (const item of open.reverse()) await ('closeAllConnections' in item ? close(item) : item.close());
  await Promise.all([redis?.stop(), stub?.close()]);
  await otel?.shutdown();
});

const connection = (): { host: string; port: number } => ({ host: '127.0.0.1', port: redis.port });
const freshName = (): string => `telemetry-${process.pid}-${++names}`;

/** A receiver as the README shows it: verify, enqueue, answer 204 (or the refusal's status). */
async function receiver(queue: EventQueue): Promise<string> {
  const server = createServer((req, res) => {
    unwrapNodeRequest(req, { secret, refusalAlarm: false })
      .then((event) => queue.enqueue(event))
      .then(() => res.writeHead(204).end())
      .catch((error: unknown) => res.writeHead(isWebhookVerificationError(error) ? error.status : 500).end());
  });
  open.push(server);
  return listen(server);
}

function byName(spans: ReadableSpan[], name: string): ReadableSpan[] {
  return spans.filter((span) => span.name === name);
}

function one(spans: ReadableSpan[], name: string): ReadableSpan {
  const found = byName(spans, name);
  expect(found.map((span) => span.name)).toEqual([name]);
  return found[0] as ReadableSpan;
}

function parentOf(span: ReadableSpan): string | undefined {
  return span.parentSpanContext?.spanId;
}

describe('one delivery, one trace', () => {
  it('receive → enqueue → process → fetch_resource → anthropic.sessions.retrieve', async () => {
    const name = freshName();
    const queue = createEventQueue({ connection: connection(), name });
    open.push(queue);
    const results: Array<FetchResult> = [];
    const worker = createEventWorker({
      connection: connection(),
      name,
      handlers: {
        'session.status_idled': async (event) => void results.push(await fetchResource(client, event)),
      },
    });
    open.push(worker);
    const url = await receiver(queue);
    const d = delivery(secret);

    expect((await post(url, d)).status).toBe(204);
    await until(
      () =>
        byName(otel.spans(), 'anthropic.webhook.process').some(
          (s) => s.attributes['anthropic.webhook.event.id'] === d.eventId,
        ),
      10_000,
      'the process span',
    );

    expect(results).toEqual([{ status: 'found', resource: { type: 'session', id: d.dataId, status: 'idle' } }]);
    const spans = otel
      .spans()
      .filter(
        (span) =>
          span.attributes['anthropic.webhook.event.id'] === d.eventId || span.name === 'anthropic.sessions.retrieve',
      );
    const receive = one(spans, 'anthropic.webhook.receive');
    const enqueue = one(spans, 'anthropic.webhook.enqueue');
    const process = one(spans, 'anthropic.webhook.process');
    const fetch = one(spans, 'anthropic.webhook.fetch_resource');
    const retrieve = one(spans, 'anthropic.sessions.retrieve');

    // One trace, each span the parent of the next.
    const traceId = receive.spanContext().traceId;
    for (const span of [enqueue, process, fetch, retrieve]) expect(span.spanContext().traceId).toBe(traceId);
    expect(parentOf(enqueue)).toBe(receive.spanContext().spanId);
    expect(parentOf(process)).toBe(enqueue.spanContext().spanId);
    expect(parentOf(fetch)).toBe(process.spanContext().spanId);
    expect(parentOf(retrieve)).toBe(fetch.spanContext().spanId);
    // The SDK carried the same trace to the API.
    expect(String(stub.requests.at(-1)?.headers['traceparent'])).toContain(traceId);

    expect(receive.attributes).toMatchObject({
      'anthropic.webhook.id': d.headers['webhook-id'],
      'anthropic.webhook.event.type': 'session.status_idled',
      'anthropic.session.id': d.dataId,
    });
    expect(enqueue.kind).toBe(SpanKind.PRODUCER);
    expect(enqueue.attributes).toMatchObject({
      'messaging.system': 'bullmq',
      'messaging.destination.name': name,
      'messaging.message.id': eventJobId(d.eventId),
      'anthropic.webhook.outcome': 'enqueued',
    });
    expect(process.kind).toBe(SpanKind.CONSUMER);
    expect(process.attributes).toMatchObject({
      'messaging.system': 'bullmq',
      'messaging.destination.name': name,
      'messaging.message.id': eventJobId(d.eventId),
      'anthropic.webhook.attempt': 1,
      'anthropic.webhook.outcome': 'completed',
      'anthropic.session.id': d.dataId,
    });
    expect(fetch.kind).toBe(SpanKind.INTERNAL);
    expect(fetch.attributes).toMatchObject({
      'anthropic.webhook.resource.kind': 'session',
      'anthropic.webhook.outcome': 'found',
    });
    // The SDK's span, named and attributed by the SDK: our anthropic.session.id matches its own.
    expect(retrieve.instrumentationScope.name).toBe('com.anthropic.sdk.typescript');
    expect(retrieve.kind).toBe(SpanKind.CLIENT);
    expect(retrieve.attributes['anthropic.session.id']).toBe(d.dataId);

    const durations = await otel.points('anthropic.webhook.process.duration');
    expect(total(durations, { outcome: 'completed', 'messaging.destination.name': name })).toBe(1);
  });

  it('a re-delivery is a duplicate enqueue in its own delivery trace, and the job keeps the first trace', async () => {
    const name = freshName();
    const queue = createEventQueue({ connection: connection(), name });
    open.push(queue);
    const url = await receiver(queue);
    const d = delivery(secret);
    expect((await post(url, d)).status).toBe(204);
    expect((await post(url, d)).status).toBe(204);
    const enqueues = byName(otel.spans(), 'anthropic.webhook.enqueue').filter(
      (s) => s.attributes['anthropic.webhook.event.id'] === d.eventId,
    );
    expect(enqueues.map((s) => s.attributes['anthropic.webhook.outcome'])).toEqual(['enqueued', 'duplicate']);
    const job = await queue.queue.getJob(eventJobId(d.eventId));
    expect(job?.data.trace?.traceparent).toBe(
      `00-${enqueues[0]?.spanContext().traceId}-${enqueues[0]?.spanContext().spanId}-01`,
    );
  });

  it('a refused delivery: an ERROR receive span, no enqueue, and the refused counter', async () => {
    const name = freshName();
    const queue = createEventQueue({ connection: connection(), name });
    open.push(queue);
    const url = await receiver(queue);
    const before = total(await otel.points('anthropic.webhook.deliveries'), {
      outcome: 'refused',
      'error.type': 'invalid_signature',
    });
    const d = delivery(generateSecret());
    expect((await post(url, d)).status).toBe(400);
    const receive = byName(otel.spans(), 'anthropic.webhook.receive').find(
      (s) => s.attributes['anthropic.webhook.id'] === d.headers['webhook-id'],
    );
    expect(receive?.status.code).toBe(SpanStatusCode.ERROR);
    expect(receive?.attributes['error.type']).toBe('invalid_signature');
    const enqueued = byName(otel.spans(), 'anthropic.webhook.enqueue').filter(
      (s) => s.attributes['anthropic.webhook.event.id'] === d.eventId,
    );
    expect(enqueued).toEqual([]);
    const after = total(await otel.points('anthropic.webhook.deliveries'), {
      outcome: 'refused',
      'error.type': 'invalid_signature',
    });
    expect(after - before).toBe(1);
  });
});

describe('the worker', () => {
  it('one CONSUMER span per attempt, the last failed one a dead letter on the counter', async () => {
    const name = freshName();
    const queue = createEventQueue({ connection: connection(), name, attempts: 2, backoff: 10 });
    open.push(queue);
    const worker = createEventWorker({
      connection: connection(),
      name,
      handlers: {
        default: () => {
          throw new RangeError('handler bug');
        },
      },
    });
    open.push(worker);
    const event = JSON.parse(delivery(secret).body) as WebhookEvent;
    const before = total(await otel.points('anthropic.webhook.dead_letters'), { 'messaging.destination.name': name });
    await queue.enqueue(event);
    await until(async () => (await queue.failed()).length === 1, 10_000, 'the dead letter');
    await until(
      () =>
        byName(otel.spans(), 'anthropic.webhook.process').filter(
          (s) => s.attributes['anthropic.webhook.event.id'] === event.id,
        ).length === 2,
      5_000,
      'two process spans',
    );

    const attempts = byName(otel.spans(), 'anthropic.webhook.process').filter(
      (s) => s.attributes['anthropic.webhook.event.id'] === event.id,
    );
    expect(
      attempts.map((s) => [s.attributes['anthropic.webhook.attempt'], s.attributes['anthropic.webhook.outcome']]),
    ).toEqual([
      [1, 'failed'],
      [2, 'dead_letter'],
    ]);
    for (const span of attempts) {
      expect(span.status.code).toBe(SpanStatusCode.ERROR);
      expect(span.attributes['error.type']).toBe('RangeError');
      expect(span.events.map((e) => e.name)).toContain('exception');
    }
    // Both attempts continue the enqueue's trace (no receive here: the enqueue's parent is the test).
    const enqueue = one(
      otel.spans().filter((s) => s.attributes['anthropic.webhook.event.id'] === event.id),
      'anthropic.webhook.enqueue',
    );
    for (const span of attempts) expect(parentOf(span)).toBe(enqueue.spanContext().spanId);
    const after = total(await otel.points('anthropic.webhook.dead_letters'), { 'messaging.destination.name': name });
    expect(after - before).toBe(1);
  });
});

describe("BullMQ's own telemetry option", () => {
  it('passes through createEventQueue and createEventWorker (bullmq-otel), its spans in the same trace', async () => {
    const name = freshName();
    const telemetry = new BullMQOtel({ tracerName: 'bullmq' });
    const queue = createEventQueue({ connection: connection(), name, telemetry });
    open.push(queue);
    const handled: string[] = [];
    const worker = createEventWorker({
      connection: connection(),
      name,
      telemetry,
      handlers: { default: (e) => void handled.push(e.id) },
    });
    open.push(worker);
    const url = await receiver(queue);
    const d = delivery(secret);
    expect((await post(url, d)).status).toBe(204);
    // BullMQ's consumer span wraps ours, so it ends (and is exported) after it: wait for both.
    await until(
      () =>
        byName(otel.spans(), 'anthropic.webhook.process').some(
          (s) => s.attributes['anthropic.webhook.event.id'] === d.eventId,
        ) && otel.spans().some((s) => s.instrumentationScope.name === 'bullmq' && s.kind === SpanKind.CONSUMER),
      10_000,
      'the process span and BullMQ consumer span',
    );

    const spans = otel.spans();
    const enqueue = one(
      spans.filter((s) => s.attributes['anthropic.webhook.event.id'] === d.eventId),
      'anthropic.webhook.enqueue',
    );
    const process = one(
      spans.filter((s) => s.attributes['anthropic.webhook.event.id'] === d.eventId),
      'anthropic.webhook.process',
    );
    const traceId = enqueue.spanContext().traceId;
    const bullmq = spans.filter((s) => s.instrumentationScope.name === 'bullmq' && s.spanContext().traceId === traceId);
    // The queue's producer span, inside ours: the option reached the Queue.
    const add = bullmq.find((s) => s.kind === SpanKind.PRODUCER && s.name.startsWith('add '));
    expect(add?.name).toBe(`add ${name}.session.status_idled`);
    expect(parentOf(add as ReadableSpan)).toBe(enqueue.spanContext().spanId);
    // The worker's consumer span, around ours: the option reached the Worker.
    const consumer = bullmq.find((s) => s.kind === SpanKind.CONSUMER);
    expect(consumer).toBeDefined();
    expect(parentOf(process)).toBe(consumer?.spanContext().spanId);
    expect(handled).toEqual([d.eventId]);
  });
});

describe('the sweep', () => {
  it('one sweep span with what it listed and enqueued; its jobs are processed in traces of their own, linked to it', async () => {
    const name = freshName();
    const queue = createEventQueue({ connection: connection(), name });
    open.push(queue);
    const handled: string[] = [];
    const worker = createEventWorker({
      connection: connection(),
      name,
      handlers: { default: (e) => void handled.push(e.id) },
    });
    open.push(worker);
    const updatedAt = new Date(Date.now() - 1_000).toISOString();
    const sessions = [
      { id: 'sesn_sweep_1', updated_at: updatedAt },
      { id: 'sesn_sweep_2', updated_at: updatedAt },
    ];
    const listClient = {
      beta: {
        sessions: {
          list: async () => ({
            data: sessions,
            hasNextPage: () => false,
            getNextPage: () => Promise.reject(new Error('no page')),
          }),
          threads: { list: () => Promise.reject(new Error('threads are off')) },
        },
      },
    };
    const before = total(await otel.points('anthropic.webhook.reconciled'), {});
    const sweep = createSweep({
      client: listClient as never,
      queue,
      store: memoryStateStore(),
      threads: false,
      since: new Date(Date.now() - 60_000),
    });
    const result = await sweep.run();
    expect(result).toMatchObject({ listed: 2, enqueued: 2 });
    await until(() => handled.length === 2, 10_000, 'both hints handled');
    await until(
      () =>
        byName(otel.spans(), 'anthropic.webhook.process').filter((s) =>
          String(s.attributes['anthropic.webhook.event.id']).startsWith('sweep_session_sesn_sweep_'),
        ).length === 2,
      5_000,
      'two process spans',
    );

    const sweepSpan = one(otel.spans(), 'anthropic.webhook.sweep');
    expect(sweepSpan.attributes).toMatchObject({
      'anthropic.webhook.sweep.listed': 2,
      'anthropic.webhook.sweep.enqueued': 2,
    });
    const ids = new Set(handled);
    const enqueues = byName(otel.spans(), 'anthropic.webhook.enqueue').filter((s) =>
      ids.has(String(s.attributes['anthropic.webhook.event.id'])),
    );
    expect(enqueues).toHaveLength(2);
    for (const span of enqueues) expect(parentOf(span)).toBe(sweepSpan.spanContext().spanId);
    const processes = byName(otel.spans(), 'anthropic.webhook.process').filter((s) =>
      ids.has(String(s.attributes['anthropic.webhook.event.id'])),
    );
    for (const span of processes) {
      expect(span.spanContext().traceId).not.toBe(sweepSpan.spanContext().traceId);
      expect(span.links.map((link) => link.context.spanId)).toEqual(
        enqueues
          .filter((e) => e.attributes['anthropic.webhook.event.id'] === span.attributes['anthropic.webhook.event.id'])
          .map((e) => e.spanContext().spanId),
      );
    }
    expect(total(await otel.points('anthropic.webhook.reconciled'), {}) - before).toBe(2);
  });
});
