import type { JsonObject, JsonValue } from '../../tap/json.js';
import { hash, Rng, TAG } from '../core/random.js';
import { SPECIAL } from '../core/special.js';
import { hugeMessage } from '../core/text.js';
import { HOSTILE_AT, type HostileModes, SECRET_VALUE_PREFIX } from './hostile-modes.js';

const MIB = 1 << 20;

/** Applies the switched-on modes to records as they are generated. */
export class Hostile {
  modes: HostileModes;
  private big: { mb: number; text: string } | undefined;

  constructor(
    private readonly seed: number,
    private readonly token: string,
    private readonly baseSessions: number,
    modes: HostileModes,
  ) {
    this.modes = modes;
  }

  /** The base session index a mode strikes (counted from the newest), or -1 below the specials. */
  sessionIndex(fromNewest: number): number {
    const index = this.baseSessions - fromNewest;
    return index > SPECIAL.unicode ? index : -1;
  }

  /** The lowest session index whose updated_at is not the generated one (Infinity when none). */
  lowestOddUpdatedAt(): number {
    const index = this.sessionIndex(HOSTILE_AT.millisecondSession);
    return this.modes.millisecondCursor && index >= 0 ? index : Number.POSITIVE_INFINITY;
  }

  sessionUpdatedAt(index: number, seconds: number): number {
    if (!this.modes.millisecondCursor || index !== this.sessionIndex(HOSTILE_AT.millisecondSession))
      return seconds;
    return seconds * 1000 + 237;
  }

  session(index: number, session: JsonObject): JsonObject {
    if (this.modes.keyless && index === this.sessionIndex(HOSTILE_AT.keylessSession))
      delete session.session_id;
    if (this.modes.echoToken && index === this.sessionIndex(HOSTILE_AT.tokenSession))
      session.title = `Rotate ${this.token} after the deploy`;
    return session;
  }

  /** Messages a session must have at least, so the echoed token has a message to sit in. */
  minMessages(index: number): number {
    return this.modes.echoToken && index === this.sessionIndex(HOSTILE_AT.tokenSession) ? 1 : 0;
  }

  message(index: number, ordinal: number, message: JsonObject): JsonObject {
    if (this.modes.echoToken && ordinal === 0 && index === this.sessionIndex(HOSTILE_AT.tokenSession)) {
      message.message = `Call the staging API with Authorization: Bearer ${this.token} please`;
    }
    if (this.modes.bigMessageMb > 0 && index === SPECIAL.hugeMessage && ordinal === 1)
      message.message = this.bigMessage(this.modes.bigMessageMb);
    return message;
  }

  playbook(index: number, playbook: JsonObject): JsonObject {
    const { modes } = this;
    if (modes.millisecondCursor && index === HOSTILE_AT.millisecondPlaybook)
      playbook.updated_at = Number(playbook.updated_at) * 1000 + 411;
    if (modes.keyless && index === HOSTILE_AT.keylessPlaybookNull) playbook.playbook_id = null;
    if (modes.keyless && index === HOSTILE_AT.keylessPlaybookEmpty) playbook.playbook_id = '';
    if (modes.echoToken && index === HOSTILE_AT.tokenPlaybook)
      playbook.body = `${String(playbook.body)}\n\nexport DEVIN_API_TOKEN=${this.token}`;
    return playbook;
  }

  secret(index: number, secret: JsonObject): JsonObject {
    const { modes } = this;
    const rng = new Rng(hash(this.seed, TAG.hostile, index));
    const hidden = (): string => `${SECRET_VALUE_PREFIX}nested-${rng.hex(16)}`;
    if (modes.nestedSecret && index === HOSTILE_AT.nestedSecret) secret.note = { value: hidden() };
    if (modes.nestedSecret && index === HOSTILE_AT.wrongTypedSecret) {
      Object.assign(secret, {
        key: { value: hidden() },
        note: [hidden()],
        is_sensitive: 'true',
        secret_type: 42,
        created_by: { value: hidden() },
      } satisfies JsonObject);
    }
    if (modes.keyless && index === HOSTILE_AT.keylessSecret)
      secret.secret_id = { id: secret.secret_id ?? null };
    return secret;
  }

  note(index: number, note: JsonObject): JsonObject {
    const { modes } = this;
    if (modes.keyless && index === HOSTILE_AT.keylessNote) note.note_id = [note.note_id ?? null];
    if (modes.echoToken && index === HOSTILE_AT.tokenNote)
      note.body = `${String(note.body)} The key is ${this.token}.`;
    return note;
  }

  user(index: number, user: JsonObject): JsonObject {
    if (this.modes.keyless && index === HOSTILE_AT.keylessUser) user.user_id = null;
    if (this.modes.echoToken && index === HOSTILE_AT.tokenUser)
      user.name = `${String(user.name)} (${this.token})`;
    return user;
  }

  /** At least `mb` MiB of pasted log (Latin-1 only, so V8 keeps it at one byte a character); cached. */
  private bigMessage(mb: number): string {
    if (this.big?.mb === mb) return this.big.text;
    const chunk = hugeMessage(new Rng(hash(this.seed, TAG.hostile, -1)), MIB)
      .replace(/[^\n -~]/g, '')
      .replace(/^.*\n/, '');
    const copies = Math.ceil((mb * MIB) / (chunk.length + 1));
    const text = `Here is the full build log, café included:\n${`${chunk}\n`.repeat(copies)}`;
    this.big = { mb, text };
    return text;
  }
}

/** Every string under `value` that starts with SECRET_VALUE_PREFIX, at any depth. */
export function hiddenValues(value: JsonValue, found: string[] = []): string[] {
  if (typeof value === 'string') {
    if (value.startsWith(SECRET_VALUE_PREFIX)) found.push(value);
  } else if (Array.isArray(value)) {
    for (const item of value) hiddenValues(item, found);
  } else if (value !== null && typeof value === 'object') {
    for (const item of Object.values(value)) hiddenValues(item, found);
  }
  return found;
}
