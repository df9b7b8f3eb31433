// Every vector and property test again, with the MAC forced onto the portable @noble/hashes path
// that Workers, browsers and edge runtimes take; the files themselves run on Node's native path.
import { afterAll, beforeAll, expect } from 'vitest';
import { forcePureHmac, hmacPath } from '../src/core/hmac.js';
import './vectors.test.js';
import './properties.test.js';

beforeAll(() => {
  forcePureHmac(true);
  expect(hmacPath()).toBe('pure');
});

afterAll(() => {
  // Still forced at the end: no test in between switched the path back.
  expect(hmacPath()).toBe('pure');
  forcePureHmac(false);
});
