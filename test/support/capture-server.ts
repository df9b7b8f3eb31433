// A loopback stand-in for an outgoing webhook (Slack's incoming webhook, an alerting endpoint):
// it records every JSON POST with its path and headers and answers 200 "ok", as Slack does.
import { createServer, type IncomingHttpHeaders } from 'node:http';
import { close, listen } from './http.js';

export interface CapturedPost<T> {
  path: string;
  headers: IncomingHttpHeaders;
  body: T;
}

export interface CaptureServer<T> {
  /** Base URL; any path under it is recorded. */
  url: string;
  /** Every JSON POST received, in arrival order. */
  posts: CapturedPost<T>[];
  close(): Promise<void>;
}

/**
 * Starts the recorder on an ephemeral loopback port.
 *
 * @example
 * ```ts
 * const slack = await startCaptureServer<{ text: string }>();
 * await fetch(`${slack.url}/services/T0/B0/x`, { method: 'POST', body: '{"text":"hi"}' });
 * slack.posts[0]?.body.text; // 'hi'
 * await slack.close();
 * ```
 */
export async function startCaptureServer<T = unknown>(): Promise<CaptureServer<T>> {
  const posts: CapturedPost<T>[] = [];
  const server = createServer((req, res) => {
    let text = '';
    req.setEncoding('utf8');
    req.on('data', (chunk: string) => (text += chunk));
    req.on('end', () => {
      let body: T;
      try {
        body = JSON.parse(text) as T;
      } catch {
        // Not recorded: a test counting posts sees the bad one as missing, and the sender sees 400.
        res.writeHead(400, { 'content-type': 'text/plain' }).end('invalid_payload');
        return;
      }
      posts.push({ path: req.url ?? '', headers: req.headers, body });
      res.writeHead(200, { 'content-type': 'text/plain' }).end('ok');
    });
  });
  const url = await listen(server);
  return { url, posts, close: () => close(server) };
}
