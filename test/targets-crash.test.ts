import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openTarget } from '../src/targets/open-target.js';
import type { TargetKind } from '../src/targets/target.js';
import { compileTargets, exited, startChild } from './targets-child.js';
import { dbPath, KINDS, query, schemaOf, tempDir } from './targets-helpers.js';

const dir = tempDir();
const childDir = join(dir, 'child');
mkdirSync(childDir);
const module = compileTargets(childDir);
const TOTAL = 30_000;
const BATCH = 500;
const rows = schemaOf('rows', { id: { type: 'integer' }, payload: { type: 'string' } }, ['id']);

/** Where the writer kills itself (SIGKILL, as kill -9 would) once `KILL_AT` rows are checkpointed. */
type KillPoint = 'write' | 'checkpoint';
const KILL_AT = 3_000;

/**
 * Writes rows [from, TOTAL) in batches, checkpointing `{ next }` after each batch. With a kill point,
 * the writer kills itself at a known place of its work, not after some time: right after starting the
 * next batch's write (rows written, not committed), or right after starting a checkpoint's commit.
 */
function writerScript(kind: string, path: string, killAt: KillPoint | null): string {
  const kill = (point: KillPoint) =>
    killAt === point ? `if (next >= ${KILL_AT}) process.kill(process.pid, 'SIGKILL');` : '';
  return `import { openTarget } from ${JSON.stringify(module)};
const target = await openTarget(${JSON.stringify(kind)}, ${JSON.stringify(path)});
await target.prepare([${JSON.stringify(rows)}]);
let next = (await target.readState()).rows?.next ?? 0;
console.log('ready');
while (next < ${TOTAL}) {
  const batch = [];
  for (let id = next; id < Math.min(next + ${BATCH}, ${TOTAL}); id += 1) batch.push({ id, payload: 'x'.repeat(200) });
  const written = target.write('rows', batch);
  ${kill('write')}
  await written;
  next += batch.length;
  const committed = target.checkpoint({ rows: { next } });
  ${kill('checkpoint')}
  await committed;
}
await target.close();
console.log('done');`;
}

async function committedNext(kind: TargetKind, path: string): Promise<number> {
  const target = await openTarget(kind, path);
  const next = Number((await target.readState()).rows?.next ?? 0);
  await target.close();
  const [stored] = await query(kind, path, 'SELECT count(*) AS n, coalesce(max(id) + 1, 0) AS top FROM rows');
  expect(stored, 'rows and state agree').toEqual({ n: next, top: next });
  return next;
}

describe.each(KINDS)('%s target killed part-way', (kind) => {
  it.each(['write', 'checkpoint'] as const)(
    'killed right after starting a %s: rows and state agree, and a re-run finishes with every row once',
    async (point) => {
      const path = dbPath(dir, kind).replace(/(\.\w+)$/, `-${point}$1`);
      const seed = await openTarget(kind, path);
      await seed.prepare([rows]);
      await seed.close();
      const { child } = await startChild(childDir, writerScript(kind, path, point));
      await exited(child);
      expect(child.signalCode).toBe('SIGKILL');

      const next = await committedNext(kind, path);
      // Killed mid-write: the batch was never committed. Mid-checkpoint: committed or not, never half.
      if (point === 'write') expect(next).toBe(KILL_AT);
      else expect([KILL_AT - BATCH, KILL_AT]).toContain(next);

      const rerun = await startChild(childDir, writerScript(kind, path, null));
      await exited(rerun.child);
      expect(rerun.child.exitCode, rerun.stderr()).toBe(0);
      const [final] = await query(
        kind,
        path,
        'SELECT count(*) AS n, count(DISTINCT id) AS d, max(id) AS top FROM rows',
      );
      expect(final).toEqual({ n: TOTAL, d: TOTAL, top: TOTAL - 1 });
    },
  );
});
