// Starts the receiver on Bun: ANTHROPIC_WEBHOOK_SIGNING_KEY=whsec_… bun main.ts
import { createApp } from './app.ts';

const app = createApp().listen(Number(process.env.PORT ?? 3000));
console.log(`POST deliveries to http://localhost:${app.server?.port}/webhooks`);
