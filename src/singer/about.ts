import { isJsonObject, type JsonObject, type JsonValue } from '../tap/json.js';
import { STREAM_NAMES } from '../tap/streams/index.js';

export const TAP_NAME = 'tap-devin';
export const TAP_DESCRIPTION =
  `Singer tap for the Devin AI API v3: ${STREAM_NAMES.join(', ')} (secrets as metadata only), ` +
  'incremental and resumable.';
export const CAPABILITIES: readonly string[] = ['catalog', 'discover', 'state', 'about'];

export interface SettingInfo {
  name: string;
  type: string;
  required: boolean;
  secret: boolean;
  default: JsonValue | undefined;
  description: string;
}

/** Airbyte-only annotations of the config schema; Singer settings say `secret`/`writeOnly` instead. */
const AIRBYTE_KEYS = new Set(['airbyte_secret', 'airbyte_hidden', 'order', 'always_show']);

/** The settings, from the same JSON Schema the Airbyte `spec` prints (CONFIG_SCHEMA). */
export function settingsFromSchema(configSchema: JsonObject): SettingInfo[] {
  const properties = isJsonObject(configSchema.properties) ? configSchema.properties : {};
  const required = Array.isArray(configSchema.required) ? configSchema.required : [];
  return Object.entries(properties).map(([name, property]): SettingInfo => {
    const spec = isJsonObject(property) ? property : {};
    const type = Array.isArray(spec.type) ? spec.type.join(' | ') : String(spec.type ?? 'string');
    const description = [spec.title, spec.description].filter((part) => typeof part === 'string').join(': ');
    return {
      name,
      type: spec.format === 'date-time' ? `${type} (date-time)` : type,
      required: required.includes(name),
      secret: spec.airbyte_secret === true,
      default: spec.default,
      description,
    };
  });
}

/** The settings as a JSON Schema in the Meltano SDK's form: secrets flagged `secret` and `writeOnly`. */
export function settingsSchema(configSchema: JsonObject): JsonObject {
  const properties: JsonObject = {};
  const source = isJsonObject(configSchema.properties) ? configSchema.properties : {};
  for (const [name, property] of Object.entries(source)) {
    if (!isJsonObject(property)) continue;
    const clean: JsonObject = {};
    for (const [key, value] of Object.entries(property)) if (!AIRBYTE_KEYS.has(key)) clean[key] = value;
    if (property.airbyte_secret === true) Object.assign(clean, { secret: true, writeOnly: true });
    properties[name] = clean;
  }
  const schema: JsonObject = { type: 'object', properties };
  if (Array.isArray(configSchema.required)) schema.required = configSchema.required;
  return schema;
}

export function aboutJson(configSchema: JsonObject, version: string): JsonObject {
  return {
    name: TAP_NAME,
    description: TAP_DESCRIPTION,
    version,
    capabilities: [...CAPABILITIES],
    settings: settingsSchema(configSchema),
  };
}

export function aboutMarkdown(configSchema: JsonObject, version: string): string {
  const rows = settingsFromSchema(configSchema).map((setting) =>
    [
      `\`${setting.name}\``,
      setting.type,
      setting.required ? 'yes' : 'no',
      setting.secret ? 'yes' : 'no',
      setting.default === undefined ? '' : `\`${JSON.stringify(setting.default)}\``,
      setting.description.replaceAll('|', '\\|').replaceAll('\n', ' '),
    ].join(' | '),
  );
  return [
    `# \`${TAP_NAME}\``,
    '',
    TAP_DESCRIPTION,
    '',
    `Version ${version}.`,
    '',
    '## Capabilities',
    '',
    ...CAPABILITIES.map((capability) => `* \`${capability}\``),
    '',
    '## Settings',
    '',
    '| Setting | Type | Required | Secret | Default | Description |',
    '|:--------|:-----|:--------:|:------:|:--------|:------------|',
    ...rows.map((row) => `| ${row} |`),
    '',
    `A full list of supported settings and capabilities is available by running: \`${TAP_NAME} --about\``,
    '',
  ].join('\n');
}
