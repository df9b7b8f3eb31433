/**
 * A resource's version as a number that orders like its `updated_at`: microseconds since the
 * epoch. RFC 3339 times may carry more digits than a `Date` keeps (`…:42.417123Z`), and two
 * changes a few microseconds apart must not compare equal, so the fraction is read to the
 * microsecond (digits past six are dropped). Today's times are about 1.8 × 10^15 µs, well inside
 * `Number.MAX_SAFE_INTEGER` (9 × 10^15), so every version is an exact integer in JavaScript and
 * in Redis's Lua. Throws a `TypeError` for text that is not an RFC 3339 time with a zone.
 *
 * @example
 * ```ts
 * resourceVersion('2026-04-01T12:00:00.123456Z'); // 1775044800123456
 * resourceVersion(session.updated_at) > resourceVersion(older.updated_at); // true
 * ```
 */
export function resourceVersion(updatedAt: string): number {
  const match = RFC3339.exec(typeof updatedAt === 'string' ? updatedAt : '');
  if (match === null) {
    throw new TypeError(
      `resourceVersion: expected an RFC 3339 time such as "2026-04-01T12:00:00.123456Z" (a resource's updated_at); got ${JSON.stringify(updatedAt)}.`,
    );
  }
  const [, date, time, fraction = '', zone = 'Z'] = match;
  const seconds = Date.parse(`${date}T${time}${zone.toUpperCase() === 'Z' ? 'Z' : zone}`);
  if (!Number.isFinite(seconds))
    throw new TypeError(`resourceVersion: ${JSON.stringify(updatedAt)} is not a valid time.`);
  return seconds * 1000 + Number(fraction.slice(0, 6).padEnd(6, '0'));
}

/** The inverse for display: an ISO time with six fractional digits. */
export function versionTime(version: number): string {
  const ms = Math.floor(version / 1000);
  const micros = String(version % 1_000_000).padStart(6, '0');
  return `${new Date(ms).toISOString().slice(0, 19)}.${micros}Z`;
}

// Date, time to the second, optional fraction, zone (Z or ±hh:mm). Separators as RFC 3339 allows.
const RFC3339 = /^(\d{4}-\d{2}-\d{2})[Tt ](\d{2}:\d{2}:\d{2})(?:\.(\d+))?([Zz]|[+-]\d{2}:\d{2})$/;
