import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export type Handler = (req: IncomingMessage, res: ServerResponse) => void;

export interface LocalServer {
  url: string;
  port: number;
  /** Every request's URL (path and query), in arrival order. */
  seen: IncomingMessage[];
  close(): Promise<void>;
}

/** A plain HTTP server on 127.0.0.1, port 0, answering with `handler`. */
export async function startLocalServer(handler: Handler): Promise<LocalServer> {
  const seen: IncomingMessage[] = [];
  const server: Server = createServer((req, res) => {
    seen.push(req);
    handler(req, res);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    seen,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** A port nothing listens on (bound, then released). */
export async function closedPort(): Promise<number> {
  const probe = await startLocalServer(() => undefined);
  await probe.close();
  return probe.port;
}
