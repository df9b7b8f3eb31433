import { expect } from 'vitest';
import { WebhookVerificationError, type WebhookErrorCode } from '../../src/index.js';

/** Runs `fn` and returns the WebhookVerificationError it throws, failing if it throws anything else. */
export function caught(fn: () => unknown): WebhookVerificationError {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(WebhookVerificationError);
    return error as WebhookVerificationError;
  }
  throw new Error('expected a WebhookVerificationError, but nothing was thrown');
}

export function expectCode(fn: () => unknown, code: WebhookErrorCode): WebhookVerificationError {
  const error = caught(fn);
  expect(error.code).toBe(code);
  return error;
}

/** Awaits `promise` and returns the WebhookVerificationError it rejects with, failing otherwise. */
export async function refusal(promise: Promise<unknown>): Promise<WebhookVerificationError> {
  const err = await promise.then(
    () => undefined,
    (error: unknown) => error,
  );
  expect(err).toBeInstanceOf(WebhookVerificationError);
  return err as WebhookVerificationError;
}
