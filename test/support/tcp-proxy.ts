// A loopback TCP proxy in front of a server (redis-server here) that can drop a connection at an
// exact point: after a chosen command has reached the server, before its answer reaches the
// client — the one fault a client cannot tell from "the command never ran".
import { createServer, connect, type Socket } from 'node:net';

export interface TcpProxy {
  /** The loopback port clients connect to. */
  port: number;
  /**
   * Arms a one-shot cut: the next client chunk for which `match` is true is forwarded to the
   * server; the server's answer to it is swallowed and both sockets of that connection are
   * destroyed. Resolves once the cut happened. Later connections (the client's reconnect) pass.
   */
  cutAfterReply(match: (chunk: Buffer) => boolean): Promise<void>;
  /** How many client connections were accepted so far. */
  connections(): number;
  /** Stops listening and destroys every open socket. */
  close(): Promise<void>;
}

/** Starts a proxy on 127.0.0.1 (a free port) forwarding to 127.0.0.1:targetPort. */
export async function startTcpProxy(targetPort: number): Promise<TcpProxy> {
  const sockets = new Set<Socket>();
  let accepted = 0;
  let armed: { match: (chunk: Buffer) => boolean; done: () => void } | undefined;

  const server = createServer((client) => {
    accepted++;
    const upstream = connect(targetPort, '127.0.0.1');
    for (const socket of [client, upstream]) {
      sockets.add(socket);
      socket.on('close', () => sockets.delete(socket));
      // A reset from the other side is expected here; the pair is torn down below.
      socket.on('error', () => {});
    }
    let cutting: (() => void) | undefined;
    client.on('data', (chunk: Buffer) => {
      if (armed !== undefined && armed.match(chunk)) {
        cutting = armed.done;
        armed = undefined;
      }
      upstream.write(chunk);
    });
    upstream.on('data', (chunk: Buffer) => {
      if (cutting === undefined) {
        client.write(chunk);
        return;
      }
      // The server has run the command (this is its answer): the client never sees it.
      client.destroy();
      upstream.destroy();
      cutting();
      cutting = undefined;
    });
    client.on('close', () => upstream.destroy());
    upstream.on('close', () => client.destroy());
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as { port: number };

  return {
    port,
    cutAfterReply(match) {
      return new Promise<void>((resolve) => {
        armed = { match, done: resolve };
      });
    },
    connections: () => accepted,
    close: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
