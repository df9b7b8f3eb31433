export { unwrapLambdaEvent, verifyLambdaEvent } from './verify.js';
export type { LambdaVerifyOptions } from './verify.js';
export type { LambdaHttpEvent } from './event.js';
