// Every signature and event vector and every sign/verify property hold with each MAC computed by
// the portable @noble/hashes path, the one Workers, browsers and edge runtimes take.
import { vectorsAndProperties } from './support/hmac-suite.js';

vectorsAndProperties('pure');
