import type { Scope } from '../tap/config.js';
import { ConfigError } from '../tap/errors.js';
import { isJsonObject } from '../tap/json.js';
import type { TapState } from '../tap/state/state.js';
import { SCOPE_STATE_KEY, type Target } from '../targets/target.js';

const SCOPE_WORDS: Readonly<Record<Scope, string>> = {
  organization: 'one organization (scope organization)',
  enterprise: 'an enterprise (scope enterprise)',
};

/** The scope a database holds: as recorded, else organization when it has any state (older releases), else none. */
export function storedScope(state: TapState): Scope | null {
  const recorded = state[SCOPE_STATE_KEY];
  if (isJsonObject(recorded) && (recorded.scope === 'enterprise' || recorded.scope === 'organization'))
    return recorded.scope;
  return Object.keys(state).some((key) => key !== SCOPE_STATE_KEY) ? 'organization' : null;
}

/** The stored states without the scope record (what the tap reads). */
export function streamStates(state: TapState): TapState {
  const { [SCOPE_STATE_KEY]: _scope, ...streams } = state;
  return streams;
}

/**
 * A database holds one scope: a sync of the other scope is refused before anything changes, naming
 * both. A database without one records this sync's.
 */
export async function claimScope(target: Target, state: TapState, scope: Scope): Promise<void> {
  const held = storedScope(state);
  if (held !== null && held !== scope) {
    throw new ConfigError(
      `${target.path} holds ${SCOPE_WORDS[held]}; this sync reads ${SCOPE_WORDS[scope]}. ` +
        'A database holds one scope: give this sync another --database, or set "scope" to ' +
        `"${held}" (nothing was changed)`,
    );
  }
  if (state[SCOPE_STATE_KEY] === undefined) await target.checkpoint({ [SCOPE_STATE_KEY]: { scope } });
}
