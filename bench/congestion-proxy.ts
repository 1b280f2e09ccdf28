// A proxy in front of the simulator that congests: each request waits baseMs x (1 + (n / knee)^2)
// before it is passed on, n being the requests in flight through the proxy when it arrives (itself
// included). Throughput, n / latency, is best at n = knee and falls beyond it, like an API that
// thrashes under load. Bench only.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface CongestionProxy {
  url: string;
  /** Most requests that were in flight through the proxy at once. */
  peakInFlight(): number;
  resetPeak(): void;
  close(): Promise<void>;
}

export async function startCongestionProxy(
  target: string,
  baseMs: number,
  knee: number,
): Promise<CongestionProxy> {
  let inFlight = 0;
  let peak = 0;
  const server: Server = createServer((req, res) => {
    inFlight += 1;
    peak = Math.max(peak, inFlight);
    const wait = baseMs * (1 + (inFlight / knee) ** 2);
    const headers: Record<string, string> = {};
    if (req.headers.authorization) headers.authorization = req.headers.authorization;
    setTimeout(async () => {
      try {
        const answer = await fetch(`${target}${req.url ?? '/'}`, { headers });
        const body = Buffer.from(await answer.arrayBuffer());
        const type = answer.headers.get('content-type') ?? 'application/json';
        res.writeHead(answer.status, { 'content-type': type, 'content-length': body.length });
        res.end(body);
      } catch {
        res.destroy();
      } finally {
        inFlight -= 1;
      }
    }, wait);
  });
  server.keepAliveTimeout = 30_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    peakInFlight: () => peak,
    resetPeak: () => {
      peak = 0;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
