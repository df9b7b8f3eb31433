// A hand-driven HTTP/1.1 client over a raw loopback socket, for senders no real client would be:
// one that stalls its body, drips it a byte at a time, or keeps streaming after the answer.
import { connect, type Socket } from 'node:net';

export interface RawAnswer {
  status: number;
  headers: string;
  body: string;
  /** Milliseconds from connecting to the answer's end (or the socket's close). */
  ms: number;
}

export interface RawExchange {
  socket: Socket;
  /** Resolves with the answer once its body is complete, the socket closes, or `limitMs` passes. */
  answer: Promise<RawAnswer>;
  /** Resolves when the server closed or reset the connection; never rejects. */
  closed: Promise<void>;
}

/**
 * Connects to `base` and sends a request head for `path`; the body is the caller's to write on
 * `socket`. The answer is parsed from what arrives: status line, headers, and a JSON body whose
 * end is found by content-length (Connection: close or not).
 */
export function rawRequest(base: string, path: string, head: Record<string, string>, limitMs = 5_000): RawExchange {
  const url = new URL(base);
  const socket = connect(Number(url.port), '127.0.0.1');
  const started = performance.now();
  const lines = Object.entries({ host: url.host, ...head }).map(([name, value]) => `${name}: ${value}\r\n`);
  socket.write(`POST ${path} HTTP/1.1\r\n${lines.join('')}\r\n`);
  let text = '';
  const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()));
  socket.on('error', () => {}); // a reset after the answer is one of the outcomes under test
  const answer = new Promise<RawAnswer>((resolve, reject) => {
    const timer = setTimeout(() => {
      done();
      reject(new Error(`no complete answer within ${limitMs} ms; got ${JSON.stringify(text.slice(0, 200))}`));
    }, limitMs);
    const parse = (): RawAnswer | undefined => {
      const split = text.indexOf('\r\n\r\n');
      if (split === -1) return undefined;
      const headers = text.slice(0, split);
      const rest = text.slice(split + 4);
      const status = Number(headers.slice(9, 12));
      if (/\r\ntransfer-encoding: *chunked/i.test(headers)) {
        const body = dechunk(rest);
        return body === undefined ? undefined : { status, headers, body, ms: performance.now() - started };
      }
      const length = /\r\ncontent-length: *(\d+)/i.exec(headers)?.[1];
      if (length === undefined || rest.length < Number(length)) return undefined;
      return { status, headers, body: rest.slice(0, Number(length)), ms: performance.now() - started };
    };
    const onData = (chunk: Buffer): void => {
      text += chunk.toString('latin1');
      const parsed = parse();
      if (parsed !== undefined) {
        done();
        resolve(parsed);
      }
    };
    const onClose = (): void => {
      done();
      const parsed = parse();
      if (parsed !== undefined) resolve(parsed);
      else
        reject(new Error(`the connection closed before a complete answer; got ${JSON.stringify(text.slice(0, 200))}`));
    };
    const done = (): void => {
      clearTimeout(timer);
      socket.off('data', onData);
      socket.off('close', onClose);
    };
    socket.on('data', onData);
    socket.on('close', onClose);
  });
  return { socket, answer, closed };
}

/** A complete chunked body decoded, or `undefined` while its last chunk has not arrived. */
function dechunk(text: string): string | undefined {
  let body = '';
  let at = 0;
  // Bounded by the text: every pass consumes at least the size line.
  while (at < text.length) {
    const eol = text.indexOf('\r\n', at);
    if (eol === -1) return undefined;
    const size = parseInt(text.slice(at, eol), 16);
    if (Number.isNaN(size)) return undefined;
    if (size === 0) return body;
    if (text.length < eol + 2 + size + 2) return undefined;
    body += text.slice(eol + 2, eol + 2 + size);
    at = eol + 2 + size + 2;
  }
  return undefined;
}

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
