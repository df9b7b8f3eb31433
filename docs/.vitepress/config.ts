// The docs site (`npm run docs`: TypeDoc into docs/public/api/, then `vitepress build docs`).
// It must build and run with no network: the default theme's Inter font is bundled (no Google
// Fonts import), search is local, and no page loads anything from another host. The browser test
// (test/docs-site.test.ts) opens every page and fails on a request that leaves loopback.
import { defineConfig } from 'vitepress';

const guide = [
  { text: 'Getting started', link: '/getting-started' },
  { text: 'Migrating from @anthropic-ai/sdk', link: '/guide/migrating' },
  { text: 'Verify (core)', link: '/guide/verify' },
  { text: 'Adapters & frameworks', link: '/guide/adapters' },
  { text: 'AWS Lambda', link: '/guide/lambda' },
  { text: 'Fetch the resource', link: '/guide/resources' },
  { text: 'Idempotency', link: '/guide/idempotency' },
  { text: 'Queue', link: '/guide/queue' },
  { text: 'Never miss a state change', link: '/guide/never-miss' },
  { text: 'Observability', link: '/guide/observability' },
  { text: 'Recipes', link: '/guide/recipes' },
  { text: 'Simulate', link: '/guide/simulate' },
  { text: 'Runs everywhere', link: '/guide/runtimes' },
  { text: 'Options: one rule', link: '/guide/options' },
];

const reference = [
  { text: 'Troubleshooting', link: '/troubleshooting' },
  { text: 'Command line', link: '/cli' },
  { text: 'Performance', link: '/performance' },
  { text: 'Security', link: '/security' },
  { text: 'Development', link: '/development' },
  // TypeDoc's HTML is not a VitePress page: `_self` makes the browser load it instead of the router.
  { text: 'API reference', link: '/api/', target: '_self' },
];

export default defineConfig({
  title: 'managed-agents-webhooks',
  description:
    'Verify Claude Managed Agents webhooks (Standard Webhooks) and get typed events, on every JavaScript runtime.',
  lang: 'en-US',
  // An icon of our own: without one the browser asks for /favicon.ico, a 404 in every page's log.
  head: [['link', { rel: 'icon', type: 'image/svg+xml', href: '/favicon.svg' }]],
  // Google Fonts stays off (the default, stated here because the site must work offline).
  useWebFonts: false,
  lastUpdated: false,
  // The API reference is TypeDoc output copied from public/, so VitePress cannot see its pages;
  // the browser test checks those links against the built files instead.
  ignoreDeadLinks: [/^\/api(\/|$)/],
  themeConfig: {
    nav: [
      { text: 'Guide', link: '/getting-started', activeMatch: '^/(getting-started|guide/)' },
      { text: 'Troubleshooting', link: '/troubleshooting' },
      { text: 'CLI', link: '/cli' },
      { text: 'Performance', link: '/performance' },
      { text: 'API', link: '/api/', target: '_self' },
    ],
    sidebar: [
      { text: 'Guide', items: guide },
      { text: 'Reference', items: reference },
    ],
    search: { provider: 'local' },
    outline: { level: [2, 3] },
  },
});
