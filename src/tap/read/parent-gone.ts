import { ApiError } from '../errors.js';
import type { JsonObject } from '../json.js';
import type { StreamDef } from '../streams/index.js';
import type { ReaderDeps } from './pages.js';
import { parentItemPath } from './stream-path.js';
import type { StreamRun } from './stream-run.js';

export function isNotFound(error: unknown): boolean {
  return error instanceof ApiError && error.status === 404;
}

/**
 * After a child 404: true when the parent itself is gone too (deleted after it was listed), so its
 * children are skipped with a warning. Only where the child's definition says where a parent lives.
 */
export async function parentGone(
  deps: ReaderDeps,
  child: { def: StreamDef; run: StreamRun },
  root: StreamDef,
  parent: JsonObject,
): Promise<boolean> {
  const path = parentItemPath(child.def, deps.config.orgId, parent);
  if (path === null) return false;
  const context = {
    stream: child.run.name,
    permission: child.def.permission,
    counters: child.run.http,
    signal: deps.signal,
  };
  try {
    await deps.http.getJson(path, {}, context);
    return false;
  } catch (error) {
    if (!isNotFound(error)) return false;
    const key = root.primaryKey.map((field) => String(parent[field])).join(', ');
    deps.log(
      `${child.run.name}: ${root.name} ${key} was deleted while the read ran; its records are skipped`,
    );
    return true;
  }
}
