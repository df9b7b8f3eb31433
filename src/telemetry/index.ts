export { enableTelemetry } from './enable.js';
export type { TelemetryOptions } from './enable.js';
