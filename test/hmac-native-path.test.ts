// Every vector and property test again, with the MAC on node:crypto from the first delivery
// (normally Node computes the first few portably); test/hmac-pure-path.test.ts forces the other path.
import { afterAll, beforeAll, expect } from 'vitest';
import { hmacPath, setHmacPath } from '../src/core/hmac.js';
import './vectors.test.js';
import './properties.test.js';

beforeAll(() => {
  setHmacPath('native');
  expect(hmacPath()).toBe('native');
});

afterAll(() => {
  // Still forced at the end: no test in between switched the path back.
  expect(hmacPath()).toBe('native');
  setHmacPath('auto');
});
