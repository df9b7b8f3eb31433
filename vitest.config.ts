import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

const source = (path: string): string => fileURLToPath(new URL(path, import.meta.url));

export default defineConfig({
  resolve: {
    // Examples import the package by name, as users do; in tests that name is the source.
    alias: [
      { find: /^managed-agents-webhooks$/, replacement: source('./src/index.ts') },
      { find: /^managed-agents-webhooks\/web$/, replacement: source('./src/adapters/web.ts') },
      { find: /^managed-agents-webhooks\/node$/, replacement: source('./src/adapters/node.ts') },
      { find: /^managed-agents-webhooks\/idempotency$/, replacement: source('./src/idempotency/index.ts') },
      { find: /^managed-agents-webhooks\/lambda$/, replacement: source('./src/lambda/index.ts') },
      { find: /^managed-agents-webhooks\/resources$/, replacement: source('./src/resources/index.ts') },
      { find: /^managed-agents-webhooks\/queue$/, replacement: source('./src/queue/index.ts') },
      { find: /^managed-agents-webhooks\/reconcile$/, replacement: source('./src/reconcile/index.ts') },
      { find: /^managed-agents-webhooks\/telemetry$/, replacement: source('./src/telemetry/index.ts') },
      { find: /^managed-agents-webhooks\/simulate$/, replacement: source('./src/simulate/index.ts') },
    ],
  },
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
  },
});
