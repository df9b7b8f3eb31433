export { levelTriggered } from './level-triggered.js';
export type {
  GoneContext,
  GoneResourceRef,
  LevelContext,
  LevelTriggeredHandlers,
  LevelTriggeredOptions,
} from './level-triggered.js';
export { redisStateStore } from './redis-state-store.js';
export type { RedisStateStoreOptions } from './redis-state-store.js';
export { memoryStateStore } from './memory-state-store.js';
export type { MemoryStateStoreOptions } from './memory-state-store.js';
export type { AcquireResult, SettleResult, StateStore } from './store.js';
export { createSweep } from './sweep.js';
export type { HintQueue, ListPage, Sweep, SweepClient, SweepFilter, SweepOptions, SweepResult } from './sweep.js';
export { createSweepWorker, DEFAULT_SWEEP_QUEUE_NAME, scheduleSweeps, SWEEP_SCHEDULER_ID } from './schedule.js';
export type { ScheduleSweepsOptions, SweepWorker, SweepWorkerOptions } from './schedule.js';
export {
  isSweepHint,
  SESSION_EVENT_TYPES,
  SESSION_GONE_EVENT_TYPES,
  sessionHint,
  SWEEP_MARKER,
  THREAD_EVENT_TYPES,
  threadHint,
} from './hint.js';
export type {
  ListedSession,
  ListedThread,
  SessionEventType,
  SessionGoneEventType,
  SessionSweepHint,
  SweepHint,
  ThreadEventType,
  ThreadSweepHint,
} from './hint.js';
export { resourceVersion } from './version.js';
