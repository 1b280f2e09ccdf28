import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openTarget } from '../src/targets/open-target.js';
import { compileTargets, exited, startChild } from './targets-child.js';
import { dbPath, KINDS, query, schemaOf, tempDir } from './targets-helpers.js';

const dir = tempDir();
const childDir = join(dir, 'child');
mkdirSync(childDir);
const module = compileTargets(childDir);
const TOTAL = 30_000;
const BATCH = 500;
const rows = schemaOf('rows', { id: { type: 'integer' }, payload: { type: 'string' } }, ['id']);

/** Writes rows [from, TOTAL) in batches, checkpointing `{ next }` after each batch. */
function writerScript(kind: string, path: string): string {
  return `import { openTarget } from ${JSON.stringify(module)};
const target = await openTarget(${JSON.stringify(kind)}, ${JSON.stringify(path)});
await target.prepare([${JSON.stringify(rows)}]);
let next = (await target.readState()).rows?.next ?? 0;
console.log('ready');
while (next < ${TOTAL}) {
  const batch = [];
  for (let id = next; id < Math.min(next + ${BATCH}, ${TOTAL}); id += 1) batch.push({ id, payload: 'x'.repeat(200) });
  await target.write('rows', batch);
  next += batch.length;
  await target.checkpoint({ rows: { next } });
  console.log('at', next);
}
await target.close();
console.log('done');`;
}

describe.each(KINDS)('%s target killed part-way', (kind) => {
  it('leaves rows and state consistent, and a re-run finishes with every row once', async () => {
    const path = dbPath(dir, kind);
    const seed = await openTarget(kind, path);
    await seed.prepare([rows]);
    await seed.close();
    const { child } = await startChild(childDir, writerScript(kind, path));
    // Killed while it writes, as soon as a few checkpoints are done.
    await new Promise<void>((resolve) => {
      child.stdout?.on('data', (chunk: Buffer) => {
        if (/at ([3-9]\d{3}|\d{5})/.test(chunk.toString())) resolve();
      });
    });
    child.kill('SIGKILL');
    await exited(child);

    const target = await openTarget(kind, path);
    const next = Number((await target.readState()).rows?.next ?? 0);
    await target.close();
    const [stored] = await query(
      kind,
      path,
      'SELECT count(*) AS n, coalesce(max(id) + 1, 0) AS top FROM rows',
    );
    expect(stored).toEqual({ n: next, top: next });
    expect(next).toBeLessThan(TOTAL);

    const rerun = await startChild(childDir, writerScript(kind, path));
    await exited(rerun.child);
    expect(rerun.child.exitCode).toBe(0);
    const [final] = await query(
      kind,
      path,
      'SELECT count(*) AS n, count(DISTINCT id) AS d, max(id) AS top FROM rows',
    );
    expect(final).toEqual({ n: TOTAL, d: TOTAL, top: TOTAL - 1 });
  });
});
