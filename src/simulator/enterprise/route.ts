import type { ApiResponse } from '../core/problem.js';
import type { ListRequest } from '../endpoints/lists.js';
import type { Enterprise } from './enterprise.js';

/** One `/v3/enterprise/...` endpoint. */
export interface EnterpriseRoute {
  /** The enterprise permission the key needs (null: any enterprise key). */
  permission: string | null;
  alsoGrantedBy?: string;
  handle: (enterprise: Enterprise, request: ListRequest) => ApiResponse;
}
