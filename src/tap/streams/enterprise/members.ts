/** Permission of the enterprise member and role endpoints. */
export const MEMBERSHIP_PERMISSION = 'ManageAccountMembership';
