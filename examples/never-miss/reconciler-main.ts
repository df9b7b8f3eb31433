// Registers the sweep's schedule and exits: the workers run the sweeps, one at a time across all
// of them. Run it at every deploy (it is idempotent; a new interval replaces the old).
//   REDIS_URL=redis://127.0.0.1:6379 RECONCILE_INTERVAL_MS=300000 node reconciler-main.ts
import { scheduleSweeps } from 'managed-agents-webhooks/reconcile';

const url = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const everyMs = Number(process.env.RECONCILE_INTERVAL_MS ?? 300_000);

await scheduleSweeps({ connection: { url }, everyMs });
console.log(`sweeping every ${everyMs} ms`);
