// Every signature and event vector and every sign/verify property hold with each MAC computed by
// the runtime's node:crypto, which Node, Deno and Bun reach after their first few deliveries.
import { vectorsAndProperties } from './support/hmac-suite.js';

vectorsAndProperties('native');
