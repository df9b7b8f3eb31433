// Type-level check, by `tsc -p tsconfig.test.json` (npm run typecheck): what the stand-in answers
// is assignable to the SDK's own types, so a client reading it sees every required field with a
// type it accepts. A field the SDK requires that the stand-in lacks fails here.
import type { BetaManagedAgentsSession } from '@anthropic-ai/sdk/resources/beta/sessions';
import type { BetaManagedAgentsSessionThread } from '@anthropic-ai/sdk/resources/beta/sessions/threads';
import type { SimulatedSession, SimulatedThread } from '../src/simulate/index.js';

type Check<T extends true> = T;
type Assignable<From, To> = [From] extends [To] ? true : false;

export type SessionFits = Check<Assignable<SimulatedSession, BetaManagedAgentsSession>>;
export type ThreadFits = Check<Assignable<SimulatedThread, BetaManagedAgentsSessionThread>>;
// Status values agree both ways: the stand-in can report every status the SDK knows, and no other.
export type StatusesMatch = Check<Assignable<BetaManagedAgentsSession['status'], SimulatedSession['status']>>;
