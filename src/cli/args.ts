import { parseArgs, type ParseArgsConfig } from 'node:util';
import { parseTimestamp } from '../core/timestamp.js';

/** A mistake in how the command was called: exit code 2, with the command's usage. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

export type Options = NonNullable<ParseArgsConfig['options']>;

export interface Parsed {
  values: Record<string, string | boolean | string[] | undefined>;
  positionals: string[];
}

/** `util.parseArgs` in strict mode, with its errors turned into usage errors. */
export function parse(args: string[], options: Options, positionals = 0): Parsed {
  let parsed: Parsed;
  try {
    parsed = parseArgs({
      args,
      options: { help: { type: 'boolean', short: 'h' }, ...options },
      allowPositionals: positionals > 0,
      strict: true,
    }) as Parsed;
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  if (parsed.positionals.length > positionals) {
    throw new UsageError(`unexpected argument: ${parsed.positionals[positionals] ?? ''}`);
  }
  return parsed;
}

export function str(parsed: Parsed, name: string): string | undefined {
  const value = parsed.values[name];
  return typeof value === 'string' ? value : undefined;
}

export function required(parsed: Parsed, name: string): string {
  const value = str(parsed, name);
  if (value === undefined || value === '') throw new UsageError(`--${name} is required`);
  return value;
}

/** Unix seconds from a flag, or undefined when absent. */
export function seconds(parsed: Parsed, name: string): number | undefined {
  const value = str(parsed, name);
  if (value === undefined) return undefined;
  const parsedSeconds = unixSeconds(value);
  if (parsedSeconds === undefined) {
    throw new UsageError(`--${name} takes Unix seconds, e.g. ${Math.floor(Date.now() / 1000)}`);
  }
  return parsedSeconds;
}

/** Unix seconds under the same rule as the webhook-timestamp header, or undefined. */
export function unixSeconds(text: string): number | undefined {
  try {
    return parseTimestamp(text);
  } catch {
    return undefined;
  }
}
