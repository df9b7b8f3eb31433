import { defineConfig } from 'tsup';

export default defineConfig([
  {
    // The library: every entry runs on any runtime except ./node (types only from node:*).
    entry: {
      index: 'src/index.ts',
      web: 'src/adapters/web.ts',
      node: 'src/adapters/node.ts',
      idempotency: 'src/idempotency/index.ts',
      lambda: 'src/lambda/index.ts',
      resources: 'src/resources/index.ts',
      queue: 'src/queue/index.ts',
      reconcile: 'src/reconcile/index.ts',
      telemetry: 'src/telemetry/index.ts',
      simulate: 'src/simulate/index.ts',
    },
    format: ['esm', 'cjs'],
    dts: true,
    target: 'es2022',
    platform: 'neutral',
    // Shared chunks in both formats, so `WebhookVerificationError` is one class whichever
    // entry threw it, and `instanceof` holds across entries under require() too.
    splitting: true,
    clean: true,
    treeshake: true,
  },
  {
    // The CLI: its own sources only (the demo receiver is src/cli/demo-receiver.ts).
    entry: { cli: 'src/cli/main.ts' },
    format: ['esm'],
    target: 'node20',
    platform: 'node',
    banner: { js: '#!/usr/bin/env node' },
    clean: false,
  },
]);
