export { createIdempotencyGuard } from './guard.js';
export type { IdempotencyGuard, IdempotencyGuardOptions, RunResult } from './guard.js';
export { memoryStore } from './memory-store.js';
export type { MemoryStoreOptions } from './memory-store.js';
export { redisStore } from './redis-store.js';
export type { IORedisLike, NodeRedisLike, RedisStoreOptions } from './redis-store.js';
export type { ClaimOutcome, IdempotencyStore } from './store.js';
