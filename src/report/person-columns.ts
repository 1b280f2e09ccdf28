import type { DialectSql } from './dialect.js';

/**
 * A person's name, email and membership (`direct`: listed in users; `idp`: through an identity-provider
 * group) from `u` (users) and `iu` (idp_users), whichever were synced.
 */
export function personColumns(
  sql: DialectSql,
  users: boolean,
  idpUsers: boolean,
): { name: string; email: string; membership: string } {
  const either = (field: string) => {
    const parts = [users ? `u.${field}` : '', idpUsers ? `iu.${field}` : ''].filter((part) => part !== '');
    if (parts.length === 0) return sql.nullOf('text');
    return parts.length === 1 ? (parts[0] ?? '') : `coalesce(${parts.join(', ')})`;
  };
  const cases = [
    users ? "WHEN u.user_id IS NOT NULL THEN 'direct'" : '',
    idpUsers ? "WHEN iu.user_id IS NOT NULL THEN 'idp'" : '',
  ].filter((part) => part !== '');
  const membership = cases.length === 0 ? sql.nullOf('text') : `CASE ${cases.join(' ')} END`;
  return { name: either('name'), email: either('email'), membership };
}
