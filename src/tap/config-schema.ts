import type { JsonObject } from './json.js';

export const DEFAULT_BASE_URL = 'https://api.devin.ai';
export const START_DATE_PATTERN = '^\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}Z$';

/**
 * The config JSON Schema: `spec` prints it (Airbyte connectionSpecification) and ajv validates
 * against it. Unknown fields are allowed (Airbyte adds its own) and ignored.
 */
export const CONFIG_SCHEMA: JsonObject = {
  $schema: 'http://json-schema.org/draft-07/schema#',
  title: 'Devin Spec',
  type: 'object',
  required: ['api_token'],
  additionalProperties: true,
  properties: {
    api_token: {
      type: 'string',
      title: 'API token',
      description:
        'Devin service-user API key (starts with cog_). Its role needs ViewOrgSessions, and ManageOrgPlaybooks / ManageOrgSecrets / ManageOrgKnowledge / ViewOrgMembership / ViewOrgConsumption / ManageOrgSchedules / ViewOrgRepositories / ViewOrgMetrics for those streams. May be given as DEVIN_API_TOKEN instead.',
      pattern: '^cog_',
      airbyte_secret: true,
      order: 0,
    },
    org_id: {
      type: 'string',
      title: 'Organization ID',
      description:
        "Devin organization id (org-... or org_...). May be given as DEVIN_ORG_ID instead. When absent, the API key's own organization is asked of GET /v3/enterprise/self.",
      pattern: '^org[-_]',
      examples: ['org-abc123'],
      order: 1,
    },
    scope: {
      type: 'string',
      title: 'Scope',
      description:
        'organization (the default): one organization with an org-scoped key. enterprise: every organization of the enterprise with one enterprise service-user key (org_id is then not needed).',
      enum: ['organization', 'enterprise'],
      default: 'organization',
      order: 15,
    },
    org_ids: {
      type: 'array',
      title: 'Organization IDs (enterprise scope)',
      description:
        'Enterprise scope only: read just these organizations (all of them when absent). May be given as DEVIN_ORG_IDS=org-a,org-b or --org-ids org-a,org-b.',
      items: { type: 'string', pattern: '^org[-_]' },
      uniqueItems: true,
      examples: [['org-abc123', 'org-def456']],
      order: 16,
    },
    start_date: {
      type: 'string',
      title: 'Start date',
      description:
        'UTC date-time; only sessions created at or after it are read (first run only: a state wins).',
      pattern: START_DATE_PATTERN,
      examples: ['2025-01-01T00:00:00Z'],
      order: 2,
    },
    base_url: {
      type: 'string',
      title: 'API base URL',
      description: 'Base URL of the Devin API (change it only for a proxy or the local simulator).',
      pattern: '^https?://',
      default: DEFAULT_BASE_URL,
      order: 3,
    },
    page_size: {
      type: 'integer',
      title: 'Page size',
      description: 'Items requested per page (the API allows 1 to 200).',
      minimum: 1,
      maximum: 200,
      default: 200,
      order: 4,
    },
    max_concurrency: {
      type: 'integer',
      title: 'Max concurrency',
      description:
        "Most requests in flight at once. With adaptive_concurrency (the default) a ceiling: the client starts at 2 and finds the API's pace below it.",
      minimum: 1,
      maximum: 64,
      default: 32,
      order: 5,
    },
    request_timeout_seconds: {
      type: 'integer',
      title: 'Request timeout (seconds)',
      description: 'A request taking longer is abandoned and retried.',
      minimum: 1,
      maximum: 600,
      default: 60,
      order: 6,
    },
    max_retries: {
      type: 'integer',
      title: 'Max retries',
      description: 'Retries of a failing request (429, 5xx, timeouts, dropped connections) before giving up.',
      minimum: 0,
      maximum: 20,
      default: 5,
      order: 7,
    },
    lookback_window_seconds: {
      type: 'integer',
      title: 'Lookback window (seconds)',
      description:
        'Incremental reads re-request this much time before the bookmark, so late updates are not missed.',
      minimum: 0,
      maximum: 2_592_000,
      default: 3600,
      order: 8,
    },
    consumption_history_days: {
      type: 'integer',
      title: 'Consumption history (days)',
      description:
        'How many days of consumption the first read asks for when no start_date is set; later reads re-read the last 3 days.',
      minimum: 1,
      maximum: 3650,
      default: 400,
      order: 9,
    },
    metrics_history_days: {
      type: 'integer',
      title: 'Metrics history (days)',
      description:
        'How many days of the metrics streams the first read asks for (a later start_date narrows it); later reads re-read the last 3 days.',
      minimum: 1,
      maximum: 3650,
      default: 90,
      order: 14,
    },
    audit_history_days: {
      type: 'integer',
      title: 'Audit log history (days)',
      description:
        'Enterprise scope: how many days of audit_logs the first read asks for when no start_date is set; later reads start at the bookmark.',
      minimum: 1,
      maximum: 3650,
      default: 365,
      order: 17,
    },
    duckdb_memory_limit: {
      type: 'string',
      title: 'DuckDB memory limit',
      description:
        'devin-tap sync into DuckDB only: memory_limit of the database (such as 512MB or 2GB); beyond it DuckDB spills to <database>.tmp. Default: 64MB, raised for a batch of large values or many columns (up to a quarter of the machine memory, 512MB to 4GB) until its commit.',
      pattern: '^\\s*\\d+(\\.\\d+)?\\s*([KMGTkmgt]i?[Bb])\\s*$',
      examples: ['2GB'],
      order: 12,
    },
    max_response_mb: {
      type: 'integer',
      title: 'Max response size (MB)',
      description: 'Largest response body accepted, after decompression; a larger one fails its request.',
      minimum: 1,
      maximum: 1024,
      default: 256,
      order: 10,
    },
    adaptive_concurrency: {
      type: 'boolean',
      title: 'Adaptive concurrency',
      description:
        'Find the pace the API allows below max_concurrency (start at 2, follow latency against its floor, halve on a 429). false: always max_concurrency.',
      default: true,
      order: 11,
    },
    acu_price_usd: {
      type: 'number',
      title: 'ACU price (USD)',
      description:
        'Price of one ACU in US dollars; `devin-tap report` then shows every ACU figure in dollars too. Not used by the tap.',
      exclusiveMinimum: 0,
      examples: [2.25],
      order: 13,
    },
  },
};

/**
 * Fields only `devin-tap sync` (the DuckDB target) and `devin-tap report` read: valid in their
 * config files and validated there, but no part of the source's spec.
 */
export const TARGET_FIELDS: readonly string[] = ['duckdb_memory_limit', 'acu_price_usd'];

/** The source spec (`spec`, Singer's settings): the config schema without the target fields. */
export const SOURCE_SPEC: JsonObject = {
  ...CONFIG_SCHEMA,
  properties: Object.fromEntries(
    Object.entries(CONFIG_SCHEMA.properties as JsonObject).filter(([name]) => !TARGET_FIELDS.includes(name)),
  ),
};

/** What each field expects, in words: every validation message names the field and this. */
export const FIELD_EXPECTATIONS: Readonly<Record<string, string>> = {
  api_token: 'a Devin API key starting with "cog_" (in the config file or DEVIN_API_TOKEN)',
  org_id: 'an organization id starting with "org-" or "org_" (in the config file or DEVIN_ORG_ID)',
  scope: '"organization" or "enterprise"',
  org_ids:
    'a list of organization ids, each starting with "org-" or "org_" (DEVIN_ORG_IDS / --org-ids: comma-separated)',
  start_date: 'a UTC date-time like 2025-01-01T00:00:00Z (YYYY-MM-DDTHH:MM:SSZ)',
  base_url: 'an http:// or https:// URL',
  page_size: 'an integer from 1 to 200',
  max_concurrency: 'an integer from 1 to 64',
  request_timeout_seconds: 'an integer from 1 to 600',
  max_retries: 'an integer from 0 to 20',
  lookback_window_seconds: 'an integer from 0 to 2592000 (30 days)',
  consumption_history_days: 'an integer from 1 to 3650',
  metrics_history_days: 'an integer from 1 to 3650',
  audit_history_days: 'an integer from 1 to 3650',
  duckdb_memory_limit: 'a size such as 512MB or 2GB',
  max_response_mb: 'an integer from 1 to 1024',
  adaptive_concurrency: 'true or false',
  acu_price_usd: 'a positive number of US dollars per ACU',
};
