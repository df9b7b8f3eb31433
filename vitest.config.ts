import { configDefaults, defineConfig } from 'vitest/config';

// `npm run test:unit` (--project unit) is the fast loop: everything in memory and on loopback
// within this process. `npm run test:slow` (--project slow) is every file that starts a
// redis-server, BullMQ, a child process (the built CLI, npm pack, tsc, TypeDoc, next build, a
// Lambda or Functions Framework emulator) or Chromium, or waits seconds of real time (the
// simulator's retry backoff). `npm test` runs both. A file is fast unless listed here (globs
// keep a renamed file in its bucket: name a slow file after its kin).
const SLOW = [
  'test/*-redis.test.ts',
  'test/catalog-check.test.ts',
  'test/cli*.test.ts',
  'test/docs-*.test.ts',
  'test/framework-google-cloud-functions.test.ts',
  'test/framework-nextjs.test.ts',
  'test/idempotency-redis*.test.ts',
  'test/lambda-e2e.test.ts',
  'test/never-miss.test.ts',
  'test/package-*.test.ts',
  'test/queue-*.test.ts',
  'test/recipe-*.test.ts',
  'test/reconcile-*.test.ts',
  'test/redis-*.test.ts',
  'test/simulate-cli.test.ts',
  'test/simulate-sender.test.ts',
  'test/telemetry-boundaries.test.ts',
  'test/telemetry-package.test.ts',
  'test/telemetry-trace.test.ts',
];

export default defineConfig({
  test: {
    // Examples, the CLI and the package tests run the BUILT package (dist/), as users do.
    globalSetup: ['test/support/require-build.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    projects: [
      {
        extends: true,
        test: { name: 'unit', include: ['test/**/*.test.ts'], exclude: [...configDefaults.exclude, ...SLOW] },
      },
      { extends: true, test: { name: 'slow', include: SLOW } },
    ],
  },
});
