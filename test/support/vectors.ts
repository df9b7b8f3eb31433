import { readFileSync } from 'node:fs';
import type { WebhookErrorCode } from '../../src/index.js';

export interface VectorCase {
  name: string;
  secret: string | string[];
  headers: Record<string, string>;
  body: string | { repeat: string; times: number } | { hex: string };
  now: number;
  toleranceSeconds?: number | 'Infinity';
  expect: 'ok' | WebhookErrorCode;
  event?: unknown;
}

function load<T>(file: string): T {
  return JSON.parse(readFileSync(new URL(`../../vectors/${file}`, import.meta.url), 'utf8')) as T;
}

export const signatureCases: VectorCase[] = load<{ cases: VectorCase[] }>('signatures.json').cases;
const eventsFile = load<{ events: VectorCase[]; envelopes: VectorCase[] }>('events.json');
export const eventCases: VectorCase[] = eventsFile.events;
export const envelopeCases: VectorCase[] = eventsFile.envelopes;

export function vectorBody(body: VectorCase['body']): string | Uint8Array {
  if (typeof body === 'string') return body;
  if ('repeat' in body) return body.repeat.repeat(body.times);
  return Uint8Array.from(body.hex.match(/../g) ?? [], (byte) => parseInt(byte, 16));
}

export function vectorOptions(c: VectorCase): { secret: string | string[]; now: number; toleranceSeconds?: number } {
  const options: { secret: string | string[]; now: number; toleranceSeconds?: number } = {
    secret: c.secret,
    now: c.now * 1000,
  };
  if (c.toleranceSeconds !== undefined) {
    options.toleranceSeconds = c.toleranceSeconds === 'Infinity' ? Infinity : c.toleranceSeconds;
  }
  return options;
}
