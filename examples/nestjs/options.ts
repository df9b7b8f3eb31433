/** What the webhook module is configured with. */
export interface WebhookModuleOptions {
  /** The endpoint's `whsec_…` secret; defaults to ANTHROPIC_WEBHOOK_SIGNING_KEY. */
  secret?: string | undefined;
  /** Where the handlers report what they did. */
  log?: ((line: string) => void) | undefined;
}

/** The injection token for `WebhookModuleOptions`: a symbol, so no type metadata is needed. */
export const WEBHOOK_OPTIONS: unique symbol = Symbol('WEBHOOK_OPTIONS');

/** The largest delivery accepted, for the adapter and for the platform's own body parser. */
export const MAX_BODY_BYTES = 1024 * 1024;
