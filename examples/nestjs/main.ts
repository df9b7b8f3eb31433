// Starts the receiver on Express (PLATFORM=fastify for Fastify):
// ANTHROPIC_WEBHOOK_SIGNING_KEY=whsec_… node main.js after compiling with this folder's tsconfig.
import { createExpressApp, createFastifyApp } from './create-app.js';

const port = Number(process.env.PORT ?? 3000);
const app = process.env.PLATFORM === 'fastify' ? await createFastifyApp() : await createExpressApp();
await app.listen(port);
console.log(`POST deliveries to http://localhost:${port}/webhooks`);
