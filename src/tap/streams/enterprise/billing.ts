/** Permission of every enterprise consumption route (an enterprise key without it gets 403 there only). */
export const BILLING_PERMISSION = 'ManageBilling';
