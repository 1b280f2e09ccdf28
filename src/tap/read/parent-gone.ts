import { ApiError } from '../errors.js';
import { isJsonObject, type JsonObject } from '../json.js';
import type { StreamDef } from '../streams/index.js';
import type { ReaderDeps } from './pages.js';
import { parentItemPath, parentListing, recordKey } from './stream-path.js';
import type { StreamRun } from './stream-run.js';

export function isNotFound(error: unknown): boolean {
  return error instanceof ApiError && error.status === 404;
}

/**
 * After a child 404: true when the parent itself is gone too (deleted or removed after it was
 * listed), so its children are skipped with a warning. Only where the child's definition says how
 * to find one parent: its own path (a 404 there), or its list filtered to it (no longer in it).
 */
export async function parentGone(
  deps: ReaderDeps,
  child: { def: StreamDef; run: StreamRun },
  root: StreamDef,
  parent: JsonObject,
): Promise<boolean> {
  const context = {
    stream: child.run.name,
    permission: child.def.permission,
    counters: child.run.http,
    signal: deps.signal,
  };
  const gone = await (async (): Promise<boolean> => {
    const path = parentItemPath(child.def, deps.config.orgId, parent);
    if (path !== null) {
      try {
        await deps.http.getJson(path, {}, context);
        return false;
      } catch (error) {
        return isNotFound(error);
      }
    }
    const listing = parentListing(child.def, deps.config.orgId, parent);
    if (listing === null) return false;
    const answer = await deps.http.getJson(listing.path, listing.query, context).catch(() => null);
    const items = isJsonObject(answer) && Array.isArray(answer.items) ? answer.items : null;
    if (items === null) return false;
    const key = recordKey(root, parent);
    return !items.some((item) => isJsonObject(item) && recordKey(root, item) === key);
  })();
  if (gone) {
    const key = root.primaryKey.map((field) => String(parent[field])).join(', ');
    const how = child.def.parent?.parentPath === undefined ? 'removed' : 'deleted';
    deps.log(`${child.run.name}: ${root.name} ${key} was ${how} while the read ran; its records are skipped`);
  }
  return gone;
}
