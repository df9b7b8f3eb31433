// Anthropic disables a webhook endpoint at once when it answers a redirect (3xx), and never
// replays what it emitted meanwhile. By default Next.js answers a path with a trailing slash
// (POST /api/webhooks/) with a 308 to the path without one; this turns that redirect off, so the
// URL you register with or without the slash never disables the endpoint.
/** @type {import('next').NextConfig} */
const config = { skipTrailingSlashRedirect: true };
export default config;
