// The vectors' case format (vectors/README.md) and how to turn a case into verify() arguments.
// No Node APIs here: the cross-runtime smoke suite runs this in browsers and workers too.
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
