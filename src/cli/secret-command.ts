import { generateSecret } from '../index.js';
import { parse } from './args.js';
import type { Output } from './io.js';

export const SECRET_USAGE: string = `Usage: managed-agents-webhooks secret

Prints a fresh endpoint secret (whsec_ + base64 of 32 random bytes) for tests and local runs.`;

export function secretCommand(args: string[], io: Output): number {
  const parsed = parse(args, {});
  if (parsed.values.help) return (io.out(SECRET_USAGE), 0);
  io.out(generateSecret());
  return 0;
}
