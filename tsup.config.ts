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
    // The CLI bundles the demo receiver from examples/, which imports the package by name as
    // users do; the alias points those imports at the sources being built.
    entry: { cli: 'src/cli/main.ts' },
    format: ['esm'],
    target: 'node20',
    platform: 'node',
    banner: { js: '#!/usr/bin/env node' },
    clean: false,
    esbuildOptions(options) {
      options.alias = {
        'managed-agents-webhooks/idempotency': './src/idempotency/index.ts',
        'managed-agents-webhooks/lambda': './src/lambda/index.ts',
        'managed-agents-webhooks/resources': './src/resources/index.ts',
        'managed-agents-webhooks/queue': './src/queue/index.ts',
        'managed-agents-webhooks/reconcile': './src/reconcile/index.ts',
        'managed-agents-webhooks/telemetry': './src/telemetry/index.ts',
        'managed-agents-webhooks/simulate': './src/simulate/index.ts',
        'managed-agents-webhooks/node': './src/adapters/node.ts',
        'managed-agents-webhooks/web': './src/adapters/web.ts',
        'managed-agents-webhooks': './src/index.ts',
      };
    },
  },
]);
