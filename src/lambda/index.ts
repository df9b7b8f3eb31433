export { unwrapLambdaEvent, verifyLambdaEvent } from './verify.js';
export type { LambdaVerifyOptions } from './verify.js';
export type { LambdaHttpEvent } from './event.js';
export { createRefusalAlarm } from '../instrument/alarm.js';
export type { RefusalAlarm, RefusalAlarmOptions, RefusalStreak } from '../instrument/alarm.js';
export type { ReceiveHooks, RefusalContext } from '../instrument/receive.js';
