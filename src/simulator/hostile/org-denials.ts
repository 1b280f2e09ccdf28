/**
 * Per-organization refusals for enterprise keys (to test that one organization's failure stays its
 * own): an org-scope path such as `secrets` of one organization answers 403 to every enterprise key.
 */
export class OrgDenials {
  private readonly denied = new Set<string>();

  private static key(orgId: string, path: string): string {
    return `${orgId} ${path.replace(/^\/+|\/+$/g, '')}`;
  }

  set(orgId: string, path: string, denied: boolean): void {
    const key = OrgDenials.key(orgId, path);
    if (denied) this.denied.add(key);
    else this.denied.delete(key);
  }

  /** Whether `path` (the segments after `/organizations/{org_id}/`) of `orgId` is refused. */
  has(orgId: string, path: string): boolean {
    return this.denied.has(OrgDenials.key(orgId, path));
  }
}
