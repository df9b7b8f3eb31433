/** Longer values are cut: the description ends up in Redis, in logs and in `queue failed` output. */
const MAX_SHOWN = 200;

/**
 * A message naming a thrown value that is not an `Error`: `handler threw undefined`,
 * `handler threw a string: 'text'`, `handler threw an object: {"code":42}`, …
 *
 * @example
 * ```ts
 * describeThrown(undefined); // 'handler threw undefined'
 * describeThrown('boom'); // "handler threw a string: 'boom'"
 * ```
 */
export function describeThrown(thrown: unknown): string {
  if (thrown === undefined || thrown === null) return `handler threw ${String(thrown)}`;
  switch (typeof thrown) {
    case 'string':
      return `handler threw a string: ${cut(`'${thrown}'`)}`;
    case 'number':
    case 'boolean':
      return `handler threw a ${typeof thrown}: ${String(thrown)}`;
    case 'bigint':
      return `handler threw a bigint: ${cut(String(thrown))}n`;
    case 'symbol':
      return `handler threw a symbol: ${cut(thrown.toString())}`;
    case 'function':
      return `handler threw a function: ${thrown.name === '' ? '(anonymous)' : cut(thrown.name)}`;
    default:
      return `handler threw ${objectText(thrown as object)}`;
  }
}

function objectText(value: object): string {
  // An Error from another realm (a vm context, an iframe) is not `instanceof Error` here.
  const { name, message } = value as { name?: unknown; message?: unknown };
  if (typeof message === 'string' && typeof name === 'string') {
    return `a non-Error object: ${cut(`${name}: ${message}`)}`;
  }
  let json: string | undefined;
  try {
    json = JSON.stringify(value);
  } catch {
    // Cycles, BigInt fields, a throwing toJSON: the tag still says what it was.
  }
  const tag = Object.prototype.toString.call(value);
  return `an object: ${cut(json === undefined || json === '{}' ? tag : json)}`;
}

function cut(text: string): string {
  return text.length <= MAX_SHOWN ? text : `${text.slice(0, MAX_SHOWN)}… (${text.length} characters)`;
}
