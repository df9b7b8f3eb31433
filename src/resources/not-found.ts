/**
 * Whether an SDK call failed with 404. Structural, not `instanceof NotFoundError`: the client may
 * come from another copy of the SDK.
 */
export function isNotFound(err: unknown): boolean {
  return typeof err === 'object' && err !== null && (err as { status?: unknown }).status === 404;
}
