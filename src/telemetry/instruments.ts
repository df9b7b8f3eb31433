import type { Counter, Histogram, Meter, Tracer } from '@opentelemetry/api';
import { DEAD_LETTERS, DELIVERIES, PROCESS_DURATION, RECEIVE_DURATION, RECONCILED } from './names.js';

/** The tracer and every instrument, created once per `enableTelemetry` call. */
export interface Instruments {
  readonly tracer: Tracer;
  readonly deliveries: Counter;
  readonly receiveDuration: Histogram;
  readonly processDuration: Histogram;
  readonly deadLetters: Counter;
  readonly reconciled: Counter;
}

// Verifying takes microseconds to a few milliseconds, reading a slow body up to readTimeoutMs.
const RECEIVE_BUCKETS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];
// A handler runs up to handlerTimeoutMs (default 5 minutes).
const PROCESS_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300];

export function createInstruments(tracer: Tracer, meter: Meter): Instruments {
  return {
    tracer,
    deliveries: meter.createCounter(DELIVERIES, {
      description: 'Webhook deliveries received, by outcome (accepted or refused) and error.type.',
      unit: '{delivery}',
    }),
    receiveDuration: meter.createHistogram(RECEIVE_DURATION, {
      description: 'Time to read and verify one delivery.',
      unit: 's',
      advice: { explicitBucketBoundaries: RECEIVE_BUCKETS },
    }),
    processDuration: meter.createHistogram(PROCESS_DURATION, {
      description: "Time of one attempt of a worker's handler.",
      unit: 's',
      advice: { explicitBucketBoundaries: PROCESS_BUCKETS },
    }),
    deadLetters: meter.createCounter(DEAD_LETTERS, {
      description: 'Events whose last attempt failed: they wait in the failed set for retryFailed.',
      unit: '{event}',
    }),
    reconciled: meter.createCounter(RECONCILED, {
      description: 'State changes a reconciliation sweep enqueued that no delivery had brought.',
      unit: '{change}',
    }),
  };
}
