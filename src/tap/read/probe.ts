import type { Query } from '../http/http.js';
import type { JsonObject } from '../json.js';
import type { StreamDef } from '../streams/index.js';
import { parseArray } from './array-page.js';
import { parsePage } from './paginate.js';
import { requestWindows } from './periods.js';
import { fillPart } from './stream-path.js';
import { parseWindow } from './window-pages.js';

const DAY = 86_400;

export interface ProbeRequest {
  path: string;
  query: Query;
  /** The records of the answer, checked as the stream's paging says it comes. */
  records: (body: unknown) => JsonObject[];
}

/**
 * The smallest request an endpoint of `def` (at its resolved `path`) answers: one list item, the
 * bare array, or the latest day's window (of the first part, for a stream read from several endpoints).
 */
export function probeRequest(def: StreamDef, path: string, nowSeconds: number): ProbeRequest {
  const request = smallestRequest(def, path, nowSeconds);
  return { ...request, query: { ...def.query, ...request.query } };
}

function smallestRequest(def: StreamDef, path: string, nowSeconds: number): ProbeRequest {
  const label = def.name;
  const paging = def.paging;
  switch (paging?.kind) {
    case undefined:
      return { path, query: { first: 1 }, records: (body) => parsePage(body, label).items };
    case 'offset':
      return {
        path,
        query: { [paging.limitParam]: 1, [paging.offsetParam]: 0 },
        records: (body) => parsePage(body, label).items,
      };
    case 'array':
      return { path, query: {}, records: (body) => parseArray(body, label) };
    case 'window': {
      const part = paging.parts?.[0] ?? null;
      const unit = part?.align ?? paging.align;
      const [start, end] = requestWindows(nowSeconds - DAY, nowSeconds, 1, unit)[0] ?? [0, 0];
      const answer = paging.answer;
      const window = { [paging.afterParam]: start, [paging.beforeParam]: end };
      if (answer.kind === 'pages') {
        return {
          path: fillPart(path, part),
          query: { ...window, first: 1 },
          records: (body) => parsePage(body, label).items,
        };
      }
      return {
        path: fillPart(path, part),
        query: window,
        records: (body) => parseWindow(body, answer, label, start),
      };
    }
  }
}
