export { createEventQueue } from './event-queue.js';
export type { DeadLetter, EnqueueResult, EventQueue, EventQueueOptions } from './event-queue.js';
export { createEventWorker } from './event-worker.js';
export type { EventWorker, EventWorkerOptions, HandlerContext, WorkerHandlers } from './event-worker.js';
export { DEFAULT_QUEUE_NAME, eventJobId } from './job.js';
export type { EventJobData } from './job.js';
