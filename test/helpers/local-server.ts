import { createServer, type IncomingMessage, request, type Server, type ServerResponse } from 'node:http';
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

/**
 * A proxy in front of `upstream` (the simulator) that can hold requests: a test interrupts a child
 * at a known point of its work (after N answered requests, or from an output on) instead of after
 * some time, so a busy machine cannot let the child finish first.
 */
export interface Gate extends LocalServer {
  /** Requests let through so far. */
  forwarded(): number;
  /** Holds every request after the first `count` (every next one, when `count` are already through). */
  holdAfter(count: number): void;
  /** Resolves once a request is being held: the child is waiting on the API, mid-run. */
  whenHeld(): Promise<void>;
  /** Lets the held requests and every later one through. */
  release(): void;
}

export async function startGate(upstream: string): Promise<Gate> {
  let forwarded = 0;
  let holdFrom = Number.POSITIVE_INFINITY;
  const held: (() => void)[] = [];
  const waiting: (() => void)[] = [];
  const forward: Handler = (req, res) => {
    const proxied = request(
      `${upstream}${req.url ?? ''}`,
      { method: req.method, headers: req.headers },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    proxied.on('error', () => res.destroy());
    req.pipe(proxied);
  };
  const server = await startLocalServer((req, res) => {
    if (forwarded < holdFrom) {
      forwarded += 1;
      return forward(req, res);
    }
    held.push(() => forward(req, res));
    for (const resolve of waiting.splice(0)) resolve();
  });
  return {
    ...server,
    forwarded: () => forwarded,
    holdAfter: (count) => {
      holdFrom = count;
    },
    whenHeld: () => new Promise<void>((resolve) => (held.length > 0 ? resolve() : waiting.push(resolve))),
    release: () => {
      holdFrom = Number.POSITIVE_INFINITY;
      for (const next of held.splice(0)) {
        forwarded += 1;
        next();
      }
    },
  };
}
