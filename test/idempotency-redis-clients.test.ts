// redisStore takes every client shape of both packages as they are typed — no casts here, so
// tsc (tsconfig.test.json) proves the structural types accept them — and tells them apart at
// runtime. No server needed: nothing connects.
import { Cluster, Redis } from 'ioredis';
import { createClient, createClientPool, createCluster, createSentinel } from 'redis';
import { describe, expect, it } from 'vitest';
import { redisStore } from '../src/idempotency/index.js';

const url = 'redis://127.0.0.1:1';

describe('redisStore accepts the clients users have', () => {
  it('the redis package: createClient, createClientPool, createCluster, createSentinel', () => {
    expect(() => redisStore(createClient({ url }))).not.toThrow();
    expect(() => redisStore(createClient({ url, RESP: 2 }))).not.toThrow();
    expect(() => redisStore(createClientPool({ url }))).not.toThrow();
    expect(() => redisStore(createCluster({ rootNodes: [{ url }] }))).not.toThrow();
    expect(() =>
      redisStore(createSentinel({ name: 'main', sentinelRootNodes: [{ host: '127.0.0.1', port: 1 }] })),
    ).not.toThrow();
  });

  it('ioredis: Redis and Cluster', () => {
    const single = new Redis({ lazyConnect: true });
    const cluster = new Cluster([{ host: '127.0.0.1', port: 1 }], { lazyConnect: true });
    try {
      expect(() => redisStore(single)).not.toThrow();
      expect(() => redisStore(cluster)).not.toThrow();
    } finally {
      single.disconnect();
      cluster.disconnect();
    }
  });

  it('refuses anything else with invalid_options', () => {
    for (const notAClient of [{}, null, { set: () => {} }, { call: () => {} }]) {
      expect(() => redisStore(notAClient as never)).toThrow(expect.objectContaining({ code: 'invalid_options' }));
    }
    expect(() => redisStore({} as never)).toThrow(/`redis` package .* or from `ioredis`/);
  });
});
