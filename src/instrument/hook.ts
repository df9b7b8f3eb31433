/**
 * The one place the instrumented entries look for telemetry. `enableTelemetry` (the `/telemetry`
 * entry, the only code that imports `@opentelemetry/api`) puts an {@link Instrumentation} in a
 * slot on `globalThis`; every adapter, the queue, the worker, `fetchResource` and the sweep read
 * that slot and, when it is empty, run exactly as they would without this file: one property read
 * (after the first call, which finds or makes the slot).
 *
 * A registry symbol rather than a module variable: the ESM and CommonJS builds of this package,
 * or two installed copies, are separate module graphs, and each must see what one
 * `enableTelemetry` call turned on. The slot's shape is a contract between copies: a change that
 * is not backward compatible takes a new key.
 */

/** Which adapter received a delivery. */
export type AdapterName = 'node' | 'web' | 'lambda';

/**
 * How a job carries the trace context of the enqueue that stored it: a W3C `traceparent` (and
 * `tracestate`), written from the span itself so it does not depend on a global propagator.
 */
export interface TraceCarrier {
  /** `00-<trace id>-<span id>-<flags>`, as in the W3C Trace Context header. */
  traceparent: string;
  /** The W3C `tracestate`, when the span has one. */
  tracestate?: string;
  /**
   * Set on jobs a reconciliation sweep enqueued: the worker links its span to this context
   * instead of continuing its trace, so a sweep of thousands of resources is not one trace.
   */
  link?: true;
}

/** The parts of an event the instrumentation reads. */
export interface ObservedEvent {
  readonly id: string;
  readonly data: { readonly type: string; readonly id?: unknown };
}

/** The parts of a BullMQ job the instrumentation reads. */
export interface ObservedJob {
  readonly id?: string | undefined;
  readonly attemptsMade: number;
  readonly opts: { readonly attempts?: number | undefined };
  readonly data: { readonly event: ObservedEvent; readonly trace?: TraceCarrier | undefined };
}

/** One delivery being received: the adapter reports how it ended. */
export interface ReceiveObservation {
  /** Verified; `result` is the event (`unwrap…`) or the delivery (`verify…`). */
  accepted(result: unknown): void;
  /** Refused or failed with `error`. */
  refused(error: unknown): void;
}

/** What a reconciliation sweep reports when it ends (its `SweepResult`). */
export interface SweepCounts {
  /** Resources the list calls returned. */
  readonly listed: number;
  /** State changes that became new jobs: changes no delivery had brought. */
  readonly enqueued: number;
}

/** What `enableTelemetry` puts in the slot; each method wraps one unit of work in its span. */
export interface Instrumentation {
  receive(adapter: AdapterName, webhookId: string | undefined): ReceiveObservation;
  enqueue<R extends { readonly status: string }>(
    queue: string,
    jobId: string,
    event: ObservedEvent,
    store: (trace: TraceCarrier | undefined) => Promise<R>,
  ): Promise<R>;
  process<R>(queue: string, job: ObservedJob, run: () => Promise<R>): Promise<R>;
  fetchResource<R extends { readonly status: string }>(event: unknown, run: () => Promise<R>): Promise<R>;
  sweep<R extends SweepCounts>(run: () => Promise<R>): Promise<R>;
}

/** The slot's key: `Symbol.for('managed-agents-webhooks.telemetry')`. */
export const TELEMETRY_SLOT: unique symbol = Symbol.for('managed-agents-webhooks.telemetry');

/**
 * What the slot holds: one object for the process, created by whichever copy of the package looks
 * first, whose `current` `enableTelemetry` sets. Read through a plain object rather than straight
 * off `globalThis`: a property of an ordinary object is the cheapest read there is, and setting or
 * clearing it never deoptimizes code that reads global properties.
 */
interface Slot {
  current: Instrumentation | undefined;
}

let slot: Slot | undefined;

function shared(): Slot {
  return (slot ??= (globalThis as { [TELEMETRY_SLOT]?: Slot })[TELEMETRY_SLOT] ??= { current: undefined });
}

/** The instrumentation `enableTelemetry` installed, or `undefined` (the usual case, and the fast one). */
export function instrumentation(): Instrumentation | undefined {
  return (slot ?? shared()).current;
}

/** Fills the slot; returns a function that empties it, unless another instrumentation replaced this one. */
export function install(value: Instrumentation): () => void {
  const held = shared();
  held.current = value;
  return () => {
    if (held.current === value) held.current = undefined;
  };
}
