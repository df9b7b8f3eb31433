// examples/queue-worker end to end on loopback: signed deliveries over HTTP into the receiver,
// through a real redis-server, to the worker, which fetches each resource with the real
// @anthropic-ai/sdk client pointed at a stub of the API.
import Anthropic from '@anthropic-ai/sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createReceiver } from '../examples/queue-worker/receiver.js';
import { startWorker } from '../examples/queue-worker/worker.js';
import { createSampleEvent, generateSecret, sign, type WebhookEvent } from '../src/index.js';
import { createEventQueue, type EventQueue, type EventWorker } from '../src/queue/index.js';
import { close, listen } from './support/http.js';
import { freePort, until } from './support/redis-process.js';
import { startRedis, type RedisServer } from './support/redis-server.js';
import { startSdkStub, type SdkStubServer } from './support/sdk-stub-server.js';

const secret = generateSecret();
let redis: RedisServer;
let stub: SdkStubServer;
let queue: EventQueue;
let worker: EventWorker;
let url: string;
const server = { current: undefined as ReturnType<typeof createReceiver> | undefined };
const logs: string[] = [];

beforeAll(async () => {
  redis = await startRedis();
  stub = await startSdkStub();
  stub.respond = (request) => {
    const id = /^\/v1\/sessions\/([^/?]+)/.exec(request.url)?.[1];
    return id === 'sesn_gone'
      ? { status: 404, body: { type: 'error', error: { type: 'not_found_error', message: 'Not found' } } }
      : { status: 200, body: { id, type: 'session', status: 'idle' } };
  };
  const connection = { host: '127.0.0.1', port: redis.port };
  queue = createEventQueue({ connection, timeoutMs: 1_000 });
  queue.queue.on('error', () => {});
  server.current = createReceiver({ queue, secret });
  url = `${await listen(server.current)}/webhooks`;
  const client = new Anthropic({ apiKey: 'sk-ant-test', baseURL: stub.url, maxRetries: 0 });
  worker = startWorker({ connection, client, log: (line) => logs.push(line) });
});
afterAll(async () => {
  if (server.current) await close(server.current);
  await worker?.close();
  await queue?.close();
  await stub?.close();
  await redis?.stop();
});

function deliver(event: WebhookEvent | object, key = secret): Promise<Response> {
  const body = JSON.stringify(event);
  const headers = sign({ id: `msg_${(event as { id: string }).id}`, timestamp: new Date(), body, secret: key });
  return fetch(url, { method: 'POST', body, headers: { ...headers, 'content-type': 'application/json' } });
}

function session(type: 'session.status_idled' | 'session.deleted', id: string, resource: string): WebhookEvent {
  const event = createSampleEvent(type, { id }) as WebhookEvent;
  return { ...event, data: { ...event.data, id: resource } } as WebhookEvent;
}

describe('examples/queue-worker', () => {
  it('answers 204, then the worker fetches each resource once; re-deliveries are not processed again', async () => {
    const idle = session('session.status_idled', 'evt_example_idle', 'sesn_live');
    const vanished = session('session.status_idled', 'evt_example_404', 'sesn_gone');
    const deleted = session('session.deleted', 'evt_example_deleted', 'sesn_deleted');
    const future = {
      type: 'event',
      id: 'evt_example_future',
      created_at: new Date().toISOString(),
      data: { type: 'session.teleported', id: 'sesn_x' },
    };

    for (const event of [idle, vanished, deleted, future, idle, deleted]) {
      const answer = await deliver(event);
      expect(answer.status).toBe(204);
    }
    await until(async () => (await queue.queue.getCompletedCount()) === 4, 15_000, 'four completed jobs');
    expect(logs.sort()).toEqual(
      [
        'session sesn_live is idle',
        'session sesn_gone is gone',
        'session.deleted sesn_deleted: gone',
        'session.teleported sesn_x: unsupported',
      ].sort(),
    );
    // Only the two status_idled events reached the API; deleted and unknown types make no request.
    expect(stub.requests.map((r) => r.url.split('?')[0]).sort()).toEqual([
      '/v1/sessions/sesn_gone',
      '/v1/sessions/sesn_live',
    ]);
  });

  it('refuses a forged delivery before anything is stored', async () => {
    const before = await queue.queue.getJobCounts();
    const answer = await deliver(session('session.status_idled', 'evt_forged', 'sesn_live'), generateSecret());
    expect(answer.status).toBe(400);
    expect(await answer.json()).toMatchObject({ error: 'invalid_signature' });
    expect(await queue.queue.getJobCounts()).toEqual(before);
  });

  it('answers 503 when Redis is down, so the sender retries', async () => {
    // A receiver whose Redis is not there: nothing listens on this port.
    const down = createEventQueue({ connection: { host: '127.0.0.1', port: await freePort() }, timeoutMs: 500 });
    down.queue.on('error', () => {});
    const receiver = createReceiver({ queue: down, secret });
    const downUrl = `${await listen(receiver)}/webhooks`;
    try {
      const event = session('session.status_idled', 'evt_while_down', 'sesn_live');
      const body = JSON.stringify(event);
      const headers = sign({ id: 'msg_down', timestamp: new Date(), body, secret });
      const answer = await fetch(downUrl, { method: 'POST', body, headers });
      expect(answer.status).toBe(503);
      expect(await answer.json()).toMatchObject({ error: 'queue_unavailable' });
    } finally {
      await close(receiver);
      await down.close();
    }
  });
});
