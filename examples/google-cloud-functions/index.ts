// The function's entry point: deploy with --entry-point=webhooks, or run locally with
// npx functions-framework --target=webhooks (after compiling this file to JavaScript).
import { http } from '@google-cloud/functions-framework';
import { createWebhookFunction } from './handler.ts';

http('webhooks', createWebhookFunction());
