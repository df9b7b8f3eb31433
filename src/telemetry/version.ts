/**
 * The package version the tracer and meter report. A constant, as the SDK keeps its own: this
 * entry runs on every runtime, with no file system to read package.json from; a test holds it
 * equal to package.json.
 */
export const VERSION = '0.3.0';
