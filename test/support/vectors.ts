import { readFileSync } from 'node:fs';
import type { VectorCase } from './vector-cases.js';

export { vectorBody, vectorOptions, type VectorCase } from './vector-cases.js';

function load<T>(file: string): T {
  return JSON.parse(readFileSync(new URL(`../../vectors/${file}`, import.meta.url), 'utf8')) as T;
}

export const signatureCases: VectorCase[] = load<{ cases: VectorCase[] }>('signatures.json').cases;
const eventsFile = load<{ events: VectorCase[]; envelopes: VectorCase[] }>('events.json');
export const eventCases: VectorCase[] = eventsFile.events;
export const envelopeCases: VectorCase[] = eventsFile.envelopes;
