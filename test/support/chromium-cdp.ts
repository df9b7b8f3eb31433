// Headless Chromium driven over the Chrome DevTools Protocol, on the pipe Chromium opens with
// --remote-debugging-pipe (fd 3 in, fd 4 out, NUL-separated JSON): unlike --dump-dom, it reports
// console messages, uncaught errors and every request, and it needs no WebSocket client.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Readable, Writable } from 'node:stream';

export const CHROMIUM = '/usr/bin/chromium';

/** A protocol event: its method, parameters and, for a page's events, the page's session. */
export interface CdpEvent {
  method: string;
  params: Record<string, unknown>;
  sessionId?: string;
}

export interface Chromium {
  pid: number;
  /** One command; rejects on a protocol error or after `timeoutMs`. */
  send<T = Record<string, unknown>>(method: string, params?: object, sessionId?: string): Promise<T>;
  /** Calls `listener` for every event until the returned function is called. */
  on(listener: (event: CdpEvent) => void): () => void;
  /** Browser.close, then SIGKILL to this pid if it has not exited within 5 s; removes the profile. */
  close(): Promise<void>;
}

interface Pending {
  resolve: (value: Record<string, unknown>) => void;
  reject: (error: Error) => void;
  timer: NodeJS.Timeout;
}

/**
 * Starts Chromium. Host names other than 127.0.0.1 resolve to nothing, so a page cannot reach the
 * network even by mistake; the caller sees such a request in the Network events and its failure.
 */
export async function launchChromium(timeoutMs = 30_000): Promise<Chromium> {
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} missing: apt-get install chromium`);
  const profile = mkdtempSync(join(tmpdir(), 'maw-docs-chromium-'));
  const child: ChildProcess = spawn(
    CHROMIUM,
    [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--no-default-browser-check',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--disable-extensions',
      '--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1',
      `--user-data-dir=${profile}`,
      '--remote-debugging-pipe',
      'about:blank',
    ],
    { stdio: ['ignore', 'ignore', 'pipe', 'pipe', 'pipe'] },
  );
  const exited = new Promise<void>((done) => child.once('exit', () => done()));
  let stderr = '';
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => void (stderr = (stderr + chunk).slice(-4000)));
  const input = child.stdio[3] as Writable;
  const output = child.stdio[4] as Readable;
  let alive = true;
  // A write after Chromium exited fails with EPIPE; the pending call is rejected below instead.
  input.on('error', () => undefined);

  let nextId = 1;
  const pending = new Map<number, Pending>();
  const listeners = new Set<(event: CdpEvent) => void>();
  let buffered = '';
  output.setEncoding('utf8').on('data', (chunk: string) => {
    buffered += chunk;
    let end: number;
    while ((end = buffered.indexOf('\0')) >= 0) {
      const message = JSON.parse(buffered.slice(0, end)) as {
        id?: number;
        result?: Record<string, unknown>;
        error?: { message: string };
      } & Partial<CdpEvent>;
      buffered = buffered.slice(end + 1);
      if (message.id !== undefined) {
        const call = pending.get(message.id);
        if (call === undefined) continue;
        pending.delete(message.id);
        clearTimeout(call.timer);
        if (message.error) call.reject(new Error(message.error.message));
        else call.resolve(message.result ?? {});
      } else if (message.method !== undefined) {
        const event: CdpEvent = { method: message.method, params: message.params ?? {} };
        if (message.sessionId !== undefined) event.sessionId = message.sessionId;
        for (const listener of listeners) listener(event);
      }
    }
  });
  void exited.then(() => {
    alive = false;
    for (const call of pending.values()) {
      clearTimeout(call.timer);
      call.reject(new Error(`chromium exited: ${stderr.trim().slice(-500)}`));
    }
    pending.clear();
  });

  const send = <T = Record<string, unknown>>(method: string, params: object = {}, sessionId?: string): Promise<T> =>
    new Promise<T>((resolve, reject) => {
      if (!alive) return reject(new Error(`${method}: chromium has exited: ${stderr.trim().slice(-500)}`));
      const id = nextId++;
      const timer = setTimeout(() => {
        pending.delete(id);
        reject(new Error(`${method}: no answer within ${timeoutMs} ms`));
      }, timeoutMs);
      pending.set(id, { resolve: resolve as (value: Record<string, unknown>) => void, reject, timer });
      input.write(`${JSON.stringify({ id, method, params, ...(sessionId === undefined ? {} : { sessionId }) })}\0`);
    });

  const browser: Chromium = {
    pid: child.pid ?? -1,
    send,
    on(listener) {
      listeners.add(listener);
      return () => void listeners.delete(listener);
    },
    async close() {
      await send('Browser.close').catch(() => undefined);
      const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
      await exited;
      clearTimeout(timer);
      rmSync(profile, { recursive: true, force: true });
    },
  };
  try {
    await send('Browser.getVersion');
  } catch (error) {
    await browser.close();
    throw error;
  }
  return browser;
}
