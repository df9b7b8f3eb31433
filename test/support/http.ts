import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Delivery } from './deliveries.js';

/** Starts `server` on an ephemeral loopback port; resolves to its base URL. */
export async function listen(server: Server): Promise<string> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  const { port } = server.address() as AddressInfo;
  return `http://127.0.0.1:${port}`;
}

/** Closes `server`, dropping idle keep-alive connections so it does not wait for them. */
export async function close(server: Server): Promise<void> {
  server.closeAllConnections();
  await new Promise<void>((resolve, reject) => server.close((err) => (err ? reject(err) : resolve())));
}

export interface Answer {
  status: number;
  body: { ok?: boolean; duplicate?: boolean; error?: string; message?: string };
}

/** POSTs a delivery (or any body) and reads the JSON answer. */
export async function post(url: string, delivery: Pick<Delivery, 'body' | 'headers'>): Promise<Answer>;
export async function post(url: string, body: BodyInit, headers: Record<string, string>): Promise<Answer>;
export async function post(
  url: string,
  a: Pick<Delivery, 'body' | 'headers'> | BodyInit,
  h?: Record<string, string>,
): Promise<Answer> {
  const { body, headers } = h === undefined ? (a as Delivery) : { body: a as BodyInit, headers: h };
  // duplex is required by fetch for a streamed body; lib.dom does not know it yet.
  // redirect: 'manual', so a 3xx is seen as the answer: the platform does not follow redirects,
  // it disables the endpoint.
  const init = { method: 'POST', headers, body, duplex: 'half', redirect: 'manual' } as RequestInit;
  const response = await fetch(url, init);
  const text = await response.text();
  return { status: response.status, body: text === '' ? {} : (JSON.parse(text) as Answer['body']) };
}
