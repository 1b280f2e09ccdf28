import { request } from 'node:http';
import { type LocalServer, startLocalServer } from './local-server.js';

/** Returns the JSON text to serve instead of `body` for this path, or null to pass the answer on. */
export type Rewrite = (path: string, body: string) => string | null;

/**
 * A local server in front of `upstream` (the simulator) that passes every request on and lets
 * `rewrite` change the JSON text of successful answers: hostile data the simulator does not serve.
 */
export function startRewritingProxy(upstream: string, rewrite: Rewrite): Promise<LocalServer> {
  const target = new URL(upstream);
  return startLocalServer((req, res) => {
    const forward = request(
      {
        host: target.hostname,
        port: target.port,
        method: req.method,
        path: req.url,
        headers: { ...req.headers, host: target.host, 'accept-encoding': 'identity' },
      },
      (answer) => {
        const chunks: Buffer[] = [];
        answer.on('data', (chunk: Buffer) => chunks.push(chunk));
        answer.on('end', () => {
          const body = Buffer.concat(chunks).toString('utf8');
          const changed = answer.statusCode === 200 ? rewrite(req.url ?? '', body) : null;
          const headers = { ...answer.headers };
          delete headers['content-length'];
          delete headers['content-encoding'];
          res.writeHead(answer.statusCode ?? 502, headers);
          res.end(changed ?? body);
        });
      },
    );
    forward.on('error', () => res.destroy());
    req.pipe(forward);
  });
}
