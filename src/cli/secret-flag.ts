import { str, UsageError, type Parsed } from './args.js';

const ENV_NAME = 'ANTHROPIC_WEBHOOK_SIGNING_KEY';

export const SECRET_HELP: string = `defaults to $${ENV_NAME}`;

/** --secret, or the same environment variable the library and the official SDK read. */
export function resolveSecret(parsed: Parsed): string {
  const secret = str(parsed, 'secret') ?? process.env[ENV_NAME];
  if (secret === undefined || secret === '') {
    throw new UsageError(`--secret is required (or set ${ENV_NAME}); make one with: managed-agents-webhooks secret`);
  }
  return secret;
}
