import {
  type ConfigRequest,
  describeSource,
  isSecretField,
  resolveConfigSources,
} from '../io/config-input.js';
import { describeFailure } from '../io/failure.js';
import { CONFIG_FIELDS, parseConfig } from '../tap/config.js';
import type { JsonObject } from '../tap/json.js';
import { SELF_PATH } from '../tap/org-id.js';
import { textTable } from './text-table.js';

export interface ConfigView {
  valid: boolean;
  text: string;
  json: JsonObject;
}

const MASK = '********';
/** An org_id left out is asked of the API by each command that needs it. */
const SELF_SOURCE = `asked of GET ${SELF_PATH} when a command needs it`;

/** Where an unset field's value comes from, when something other than nothing gives it one. */
function unsetSource(field: string, enterprise: boolean): string | null {
  if (field === 'org_id') return enterprise ? 'not needed at scope enterprise' : SELF_SOURCE;
  if (field === 'org_ids' && enterprise) return 'every organization of the enterprise';
  return null;
}

/** The effective config, field by field with its source; secrets masked; the validation verdict last. */
export function showConfig(request: ConfigRequest): ConfigView {
  const { raw, sources } = resolveConfigSources(request);
  let problem: string | null = null;
  try {
    parseConfig(raw, {});
  } catch (error) {
    problem = describeFailure(error, request.env).message;
  }
  const fields: JsonObject = {};
  const enterprise = raw.scope === 'enterprise';
  const rows = CONFIG_FIELDS.map((field) => {
    const value = raw[field];
    const configured = sources[field];
    const source = configured !== undefined ? describeSource(configured) : unsetSource(field, enterprise);
    const shown = value === undefined ? null : isSecretField(field) ? MASK : value;
    fields[field] = { value: shown, source };
    const text = shown === null ? '(not set)' : typeof shown === 'string' ? shown : JSON.stringify(shown);
    return [field, text, source ?? ''];
  });
  const verdict = problem === null ? 'valid' : `not valid: ${problem}`;
  return {
    valid: problem === null,
    text: `${textTable(['field', 'value', 'source'], rows)}\n\nconfig is ${verdict}`,
    json: { fields, valid: problem === null, ...(problem === null ? {} : { error: problem }) },
  };
}
