import type { Attributes } from '@opentelemetry/api';
import { isWebhookVerificationError } from '../core/errors.js';
import { ATTR_EVENT_ID, ATTR_EVENT_TYPE, ATTR_SESSION_ID, ATTR_SESSION_THREAD_ID } from './names.js';

/** Whether `value` has an event's shape: what `unwrap` returns, or a job's event. */
export function isEvent(value: unknown): value is { id: string; data: { type: string } & Record<string, unknown> } {
  if (typeof value !== 'object' || value === null) return false;
  const { id, data } = value as { id?: unknown; data?: unknown };
  return (
    typeof id === 'string' &&
    typeof data === 'object' &&
    data !== null &&
    typeof (data as { type?: unknown }).type === 'string'
  );
}

/**
 * What an event says about itself: its id and type, and for session events the session (and
 * thread) id under the SDK's own attribute names, so our spans and the SDK's can be joined on them.
 */
export function eventAttributes(event: unknown): Attributes {
  if (!isEvent(event)) return {};
  const { type, id, session_thread_id: thread } = event.data;
  const attributes: Attributes = { [ATTR_EVENT_ID]: event.id, [ATTR_EVENT_TYPE]: type };
  if (type.startsWith('session.') && typeof id === 'string') attributes[ATTR_SESSION_ID] = id;
  if (typeof thread === 'string') attributes[ATTR_SESSION_THREAD_ID] = thread;
  return attributes;
}

/**
 * `error.type`: a refusal's `code`; else the error's name, or its class's where the name is the
 * generic `Error` (the SDK's `NotFoundError`, …); else `_OTHER`, the semantic conventions' fallback.
 */
export function errorType(error: unknown): string {
  if (isWebhookVerificationError(error)) return error.code;
  if (typeof error !== 'object' || error === null) return '_OTHER';
  const name = (error as { name?: unknown }).name;
  if (typeof name === 'string' && name !== '' && name !== 'Error') return name;
  const constructorName = (error as { constructor?: { name?: unknown } }).constructor?.name;
  if (typeof constructorName === 'string' && constructorName !== '' && constructorName !== 'Object')
    return constructorName;
  return typeof name === 'string' && name !== '' ? name : '_OTHER';
}

/** Seconds since `start`, a `performance.now()` reading. */
export function secondsSince(start: number): number {
  return (performance.now() - start) / 1000;
}

/**
 * Runs one step of recording. A failure of telemetry (an exporter, a sampler or a processor of the
 * application's that throws) must never fail a delivery or a job, as in the SDK's own tracing:
 * the step is then skipped.
 */
export function guard<T>(step: () => T): T | undefined {
  try {
    return step();
  } catch {
    return undefined;
  }
}
