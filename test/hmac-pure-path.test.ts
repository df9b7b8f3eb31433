// Every vector and property test again, with the MAC forced onto the portable @noble/hashes path
// that Workers, browsers and edge runtimes take; test/hmac-native-path.test.ts forces the other.
import { afterAll, beforeAll, expect } from 'vitest';
import { hmacPath, setHmacPath } from '../src/core/hmac.js';
import './vectors.test.js';
import './properties.test.js';

beforeAll(() => {
  setHmacPath('pure');
  expect(hmacPath()).toBe('pure');
});

afterAll(() => {
  // Still forced at the end: no test in between switched the path back.
  expect(hmacPath()).toBe('pure');
  setHmacPath('auto');
});
