import { instrumentation } from './hook.js';

/** Runs a `fetchResource` call, inside an `anthropic.webhook.fetch_resource` span when telemetry is on. */
export function observeFetchResource<R extends { readonly status: string }>(
  event: unknown,
  run: () => Promise<R>,
): Promise<R> {
  const telemetry = instrumentation();
  return telemetry === undefined ? run() : telemetry.fetchResource(event, run);
}
