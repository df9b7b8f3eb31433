import { SIGNING_KEY_ENV as ENV_NAME } from '../core/secret.js';
import { str, UsageError, type Parsed } from './args.js';

export const SECRET_HELP: string = `defaults to $${ENV_NAME}`;

/** Where a secret to sign test deliveries with comes from. */
const NEW_SECRET_HINT = 'make one with: managed-agents-webhooks secret';

/**
 * Where the secret to check a real delivery comes from: only the endpoint's own secret can verify
 * it, so a fresh one would be no help.
 */
export const ENDPOINT_SECRET_HINT: string =
  "use the signing secret of the endpoint that received the delivery: Claude Console → the webhook endpoint's page";

/** --secret, or the same environment variable the library and the official SDK read. */
export function resolveSecret(parsed: Parsed, hint: string = NEW_SECRET_HINT): string {
  const secret = str(parsed, 'secret') ?? process.env[ENV_NAME];
  if (secret === undefined || secret === '') {
    throw new UsageError(`--secret is required (or set ${ENV_NAME}); ${hint}`);
  }
  return secret;
}
