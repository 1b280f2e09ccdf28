import type { ApiResponse } from '../core/problem.js';
import type { ApiState } from '../organization/data.js';
import type { ListRequest } from './lists.js';

/** One org-scope endpoint: the permission it needs and what it answers. */
export interface Route {
  permission: string;
  /** A permission older API docs name for the same access, accepted too. */
  alsoGrantedBy?: string;
  handle: (state: ApiState, request: ListRequest) => ApiResponse;
}
