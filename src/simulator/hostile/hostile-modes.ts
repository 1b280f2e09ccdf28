/**
 * Hostile data a faithful-but-careless API can serve. Every mode is off by default, so an org without
 * them is byte-for-byte the usual one. They can be switched while the simulator runs.
 */
export interface HostileModes {
  /** `updated_at` in epoch milliseconds on one session and one playbook. */
  millisecondCursor: boolean;
  /**
   * Records without a valid primary key: a session without `session_id`, playbooks whose `playbook_id`
   * is null and '', a secret whose `secret_id` is an object, a note whose `note_id` is an array, a
   * member whose `user_id` is null.
   */
  keyless: boolean;
  /** A secret whose `note` is `{"value": "..."}`; another whose documented fields have wrong types. */
  nestedSecret: boolean;
  /** The API token echoed in a session title, that session's first message, a playbook and a note body, a member's name. */
  echoToken: boolean;
  /** MiB of message #1 of session SPECIAL.hugeMessage (at least that many bytes); 0 keeps the usual 120 KB. */
  bigMessageMb: number;
}

export const HOSTILE_OFF: HostileModes = {
  millisecondCursor: false,
  keyless: false,
  nestedSecret: false,
  echoToken: false,
  bigMessageMb: 0,
};

export const MAX_BIG_MESSAGE_MB = 1024;

export function resolveHostile(modes: Partial<HostileModes>, base: HostileModes = HOSTILE_OFF): HostileModes {
  const resolved = { ...base };
  for (const [key, value] of Object.entries(modes)) {
    if (!Object.hasOwn(HOSTILE_OFF, key)) throw new RangeError(`unknown hostile mode: ${key}`);
    if (value !== undefined) Object.assign(resolved, { [key]: value });
  }
  for (const key of ['millisecondCursor', 'keyless', 'nestedSecret', 'echoToken'] as const) {
    if (typeof resolved[key] !== 'boolean') throw new RangeError(`hostile.${key} must be a boolean`);
  }
  const mb = resolved.bigMessageMb;
  if (!Number.isSafeInteger(mb) || mb < 0 || mb > MAX_BIG_MESSAGE_MB) {
    throw new RangeError(`hostile.bigMessageMb must be an integer from 0 to ${MAX_BIG_MESSAGE_MB}`);
  }
  return resolved;
}

/** Where each mode strikes: base session indexes counted from the newest, org object indexes from 0. */
export const HOSTILE_AT = {
  /** Session baseCount-1 (the newest base session) and playbook 0. */
  millisecondSession: 1,
  millisecondPlaybook: 0,
  /** Session baseCount-2 loses session_id; playbooks 1 (null) and 2 (''); secret 2; note 0. */
  keylessSession: 2,
  keylessPlaybookNull: 1,
  keylessPlaybookEmpty: 2,
  keylessSecret: 2,
  keylessNote: 0,
  /** Secret 0: note {"value"}; secret 1: wrong-typed fields. */
  nestedSecret: 0,
  wrongTypedSecret: 1,
  /** Member 4 has user_id null. */
  keylessUser: 4,
  /** Session baseCount-3 (title and message 0), playbook 3 (body), note 1 (body), member 5 (name). */
  tokenSession: 3,
  tokenPlaybook: 3,
  tokenNote: 1,
  tokenUser: 5,
} as const;

/** Hidden values the API should never have sent start with this (tests grep outputs for it). */
export const SECRET_VALUE_PREFIX = 'sim-secret-';
