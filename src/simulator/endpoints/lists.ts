import type { JsonObject } from '../../tap/json.js';
import { type CursorPosition, decodeCursor, encodeCursor } from '../core/cursor.js';
import { type ApiResponse, ok, problem } from '../core/problem.js';
import { type FieldError, invalidCursor, parseListQuery, parseTimeFilter } from '../core/query.js';
import type { OrgStore } from '../organization/org-store.js';
import { type IndexPage, sessionPage, sessionTotal } from '../organization/session-query.js';
import type { SessionStore } from '../organization/session-store.js';
import type { UserStore } from '../organization/user-store.js';

export interface ListRequest {
  params: URLSearchParams;
  instance: string;
}

export interface PageSpec {
  list: string;
  scope: number;
  page: (after: number | null, first: number) => IndexPage;
  item: (index: number) => JsonObject;
  total: () => number | null;
  /** Whether a decoded cursor position can be one this list served. */
  validPosition: (position: number) => boolean;
}

export function unprocessable(request: ListRequest, errors: FieldError[]): ApiResponse {
  return problem(422, errors.map((error) => error.msg).join('; '), request.instance, { errors });
}

/** The v3 list envelope around one keyset page. */
export function servePage(request: ListRequest, spec: PageSpec, errors: FieldError[]): ApiResponse {
  const query = parseListQuery(request.params, errors);
  let after: CursorPosition | null = null;
  if (query.after !== null) {
    after = decodeCursor(query.after);
    if (
      !after ||
      after.list !== spec.list ||
      after.scope !== spec.scope ||
      !spec.validPosition(after.position)
    ) {
      errors.push(invalidCursor(query.after));
    }
  }
  if (errors.length > 0) return unprocessable(request, errors);
  const page = spec.page(after?.position ?? null, query.first);
  const last = page.indexes.at(-1);
  return ok({
    items: page.indexes.map(spec.item),
    end_cursor:
      last === undefined ? null : encodeCursor({ list: spec.list, scope: spec.scope, position: last }),
    has_next_page: page.hasNext,
    total: spec.total(),
  });
}

export function listSessions(store: SessionStore, request: ListRequest, insights: boolean): ApiResponse {
  const errors: FieldError[] = [];
  const filter = parseTimeFilter(request.params, errors);
  return servePage(
    request,
    {
      list: insights ? 'insights' : 'sessions',
      scope: -1,
      page: (after, first) => sessionPage(store, filter, after, first),
      item: insights ? (index) => store.insight(index) : (index) => store.session(index),
      total: () => sessionTotal(store, filter),
      validPosition: (position) => position >= 0 && position < store.size,
    },
    errors,
  );
}

export function listMessages(store: SessionStore, session: number, request: ListRequest): ApiResponse {
  const count = store.messageCount(session);
  return servePage(
    request,
    {
      list: 'messages',
      scope: session,
      page: (after, first) => {
        const start = after === null ? 0 : after + 1;
        const end = Math.min(count, start + first);
        const indexes: number[] = [];
        for (let ordinal = start; ordinal < end; ordinal++) indexes.push(ordinal);
        return { indexes, hasNext: end < count };
      },
      item: (ordinal) => store.message(session, ordinal),
      total: () => null,
      validPosition: (position) => position >= 0 && position < count,
    },
    [],
  );
}

export function listOrgObjects(store: OrgStore, list: string, request: ListRequest): ApiResponse {
  return servePage(
    request,
    {
      list,
      scope: -1,
      page: (after, first) => store.page(after, first),
      item: (index) => store.item(index),
      total: () => store.total(),
      validPosition: (position) => position >= 0 && position < store.count,
    },
    [],
  );
}

/** `/members/users`: members in index order, optionally only those whose email is exactly `email`. */
export function listUsers(store: UserStore, request: ListRequest): ApiResponse {
  const raw = request.params.get('email');
  const email = raw === null || raw === '' ? null : raw;
  return servePage(
    request,
    {
      list: 'users',
      scope: -1,
      page: (after, first) => store.page(after, first, email),
      item: (index) => store.user(index),
      total: () => store.total(email),
      validPosition: (position) => position >= 0 && position < store.size,
    },
    [],
  );
}

/** A whole list held in memory, in the v3 envelope (keyset cursor: the position of the last item served). */
export function listItems(items: readonly JsonObject[], list: string, request: ListRequest): ApiResponse {
  return servePage(
    request,
    {
      list,
      scope: -1,
      page: (after, first) => {
        const start = after === null ? 0 : after + 1;
        const end = Math.min(items.length, start + first);
        return {
          indexes: Array.from({ length: end - start }, (_, n) => start + n),
          hasNext: end < items.length,
        };
      },
      item: (index) => items[index] ?? {},
      total: () => items.length,
      validPosition: (position) => position >= 0 && position < items.length,
    },
    [],
  );
}
