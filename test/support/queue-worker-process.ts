// A worker in a process of its own, for the crash test: it announces each job it starts on stdout
// and never finishes it, so the test can SIGKILL it mid-job. Bundled by the test with esbuild,
// since Node 20 runs no TypeScript.
import { createEventWorker } from '../../src/queue/index.js';

const port = Number(process.env.REDIS_PORT);
const name = process.env.QUEUE_NAME ?? '';

const worker = createEventWorker({
  connection: { host: '127.0.0.1', port },
  name,
  // A short lock and check interval, so another worker's stalled check takes the job soon after a
  // crash. The interval matters here too: the last worker to check sets when the next check may run.
  lockDuration: 1_000,
  stalledInterval: 300,
  handlers: {
    default: async (event) => {
      process.stdout.write(`started ${event.id}\n`);
      await new Promise(() => {});
    },
  },
});
worker.worker.on('error', (error) => process.stderr.write(`${String(error)}\n`));
process.stdout.write('ready\n');

// Never outlive a test that forgot us.
setTimeout(() => process.exit(3), 60_000).unref();
