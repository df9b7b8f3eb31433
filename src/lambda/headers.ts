import { isSignatureHeader } from '../core/headers.js';
import type { LambdaHttpEvent } from './event.js';

type Pair = readonly [string, string];

/**
 * The event's headers as `[name, value]` pairs for the core. A name present in
 * `multiValueHeaders` is taken from there only: REST v1 events repeat it in `headers` with just
 * its last value, and counting both would look like a header sent twice.
 */
export function lambdaHeaders(event: LambdaHttpEvent): Pair[] {
  const pairs: Pair[] = [];
  const covered = new Set<string>();
  const multi = event.multiValueHeaders;
  if (multi != null && typeof multi === 'object') {
    for (const [name, values] of Object.entries(multi)) {
      if (!Array.isArray(values)) continue;
      covered.add(name.toLowerCase());
      for (const value of values) if (typeof value === 'string') pairs.push([name, normalize(name, value)]);
    }
  }
  const single = event.headers;
  if (single != null && typeof single === 'object') {
    for (const [name, value] of Object.entries(single)) {
      if (typeof value === 'string' && !covered.has(name.toLowerCase())) pairs.push([name, normalize(name, value)]);
    }
  }
  return pairs;
}

// A comma followed by the next entry's version tag: base64 has no commas, so inside one entry
// ("v1,<base64>") the only comma is the one after the tag. Anchored on the comma, so each match
// attempt scans only the whitespace after it: linear in the header's length. Spaces left before
// a comma are skipped by the signature parser.
const JOINED_ENTRY = /,\s*(?=v\d+,)/g;

/**
 * HTTP API v2 and Function URLs join a repeated header's values with ",": two signature headers
 * arrive as "v1,AAA=,v1,BBB=". Splitting them back to "v1,AAA= v1,BBB=" keeps every signature.
 */
function normalize(name: string, value: string): string {
  return isSignatureHeader(name) ? value.replace(JOINED_ENTRY, ' ') : value;
}
