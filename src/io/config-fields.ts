import { CONFIG_SCHEMA } from '../tap/config-schema.js';
import type { JsonObject, JsonValue } from '../tap/json.js';

/** The config fields as data, without the validator: the CLI wires its options from them at start-up. */
interface SchemaProperty {
  type?: string;
  default?: unknown;
  airbyte_secret?: boolean;
}

/** Every config field, as CONFIG_SCHEMA declares it (fields added to the schema are covered too). */
export const CONFIG_PROPERTIES = CONFIG_SCHEMA.properties as Readonly<Record<string, SchemaProperty>>;
export const CONFIG_FIELDS: readonly string[] = Object.keys(CONFIG_PROPERTIES);

/** `DEVIN_<FIELD>`: DEVIN_API_TOKEN, DEVIN_ORG_ID, DEVIN_BASE_URL, DEVIN_PAGE_SIZE, ... */
export const envName = (field: string) => `DEVIN_${field.toUpperCase()}`;

/** Text from the environment or an option, typed as the schema wants (validation then names a bad one). */
export function typedValue(field: string, text: string): JsonValue {
  const type = CONFIG_PROPERTIES[field]?.type;
  if ((type === 'integer' || type === 'number') && /^-?\d+(\.\d+)?$/.test(text)) return Number(text);
  if (type === 'boolean' && (text === 'true' || text === 'false')) return text === 'true';
  if (type === 'array')
    return text
      .split(',')
      .map((item) => item.trim())
      .filter((item) => item !== '');
  return text;
}

/** The fields set by `DEVIN_<FIELD>` variables (blank ones are ignored). */
export function environmentFields(env: Readonly<Record<string, string | undefined>>): JsonObject {
  const fields: JsonObject = {};
  for (const field of CONFIG_FIELDS) {
    const text = env[envName(field)]?.trim();
    if (text) fields[field] = typedValue(field, text);
  }
  return fields;
}

/** `--<field>` with dashes: --org-id, --base-url, --page-size, ... */
export const optionName = (field: string) => `--${field.replaceAll('_', '-')}`;
export const isSecretField = (field: string) => CONFIG_PROPERTIES[field]?.airbyte_secret === true;
