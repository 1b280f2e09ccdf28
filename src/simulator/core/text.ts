import type { Rng } from './random.js';

/** Vocabulary for realistic-looking text, including the unicode a connector must carry unharmed. */
const VERBS = [
  'Fix',
  'Add',
  'Refactor',
  'Migrate',
  'Speed up',
  'Document',
  'Remove',
  'Upgrade',
  'Investigate',
];
const THINGS = [
  'flaky login test',
  'CSV export',
  'billing webhook',
  'rate limiter',
  'search indexing',
  'dark mode toggle',
  'GraphQL resolver',
  'Terraform module',
  'CI cache',
  'onboarding email',
];
const PLACES = ['api', 'web', 'worker', 'infra', 'mobile', 'docs', 'auth-service', 'data-pipeline'];
const UNICODE_TITLES = [
  'Réparer l’export CSV 📊',
  '修复登录页面的错误',
  'Добавить поддержку вебхуков 🚀',
  'Ünïcödé ✨ naïve café résumé',
  'إصلاح خطأ في الصفحة الرئيسية',
  'Emoji 🧪🔥 in a “quoted” title — with dashes',
  'ZWJ 👩‍💻 and flags 🇯🇵 and combining é',
  'タイムゾーンのバグを修正する 🕒',
];
const WORDS = [
  'the',
  'build',
  'now',
  'passes',
  'after',
  'I',
  'updated',
  'config',
  'tests',
  'failing',
  'because',
  'timeout',
  'retry',
  'cache',
  'schema',
  'migration',
  'deploy',
  'review',
  'branch',
  'merge',
  'please',
  'check',
  'logs',
  'error',
  'handler',
  'endpoint',
  'null',
  'value',
  'field',
  'query',
  'index',
  'slow',
];
const UNICODE_SNIPPETS = [
  '✅',
  '🚀',
  '—',
  'naïve',
  '日本語',
  'Ωμέγα',
  '“quotes”',
  '👍🏽',
  'tab\there',
  'line\nbreak',
];

export const LANGUAGES = ['TypeScript', 'Python', 'Go', 'Rust', 'Java', 'SQL', 'Ruby', 'C#'];
export const TOOLS = [
  'React',
  'Django',
  'Kubernetes',
  'Terraform',
  'PostgreSQL',
  'GitHub Actions',
  'Redis',
  'Kafka',
];
export const REPOS = ['acme/api', 'acme/web', 'acme/infra', 'acme/mobile', 'acme/data', 'acme/docs'];

export function title(rng: Rng, unicode: boolean): string {
  if (unicode) return rng.pick(UNICODE_TITLES);
  return `${rng.pick(VERBS)} ${rng.pick(THINGS)} in ${rng.pick(PLACES)}`;
}

export function sentence(rng: Rng, minWords: number, maxWords: number, unicode = false): string {
  const count = rng.int(minWords, maxWords);
  const words: string[] = [];
  for (let i = 0; i < count; i++)
    words.push(unicode && rng.chance(0.15) ? rng.pick(UNICODE_SNIPPETS) : rng.pick(WORDS));
  const text = words.join(' ');
  return `${text.charAt(0).toUpperCase()}${text.slice(1)}.`;
}

export function paragraph(rng: Rng, sentences: number, unicode = false): string {
  const parts: string[] = [];
  for (let i = 0; i < sentences; i++) parts.push(sentence(rng, 4, 16, unicode));
  return parts.join(' ');
}

/** A chat message: prose, sometimes a code block or an inline attachment, rarely a few KB. */
export function chatMessage(rng: Rng, unicode: boolean): string {
  const roll = rng.next();
  if (roll < 0.1) {
    return `${sentence(rng, 3, 8)}\n\`\`\`ts\nconst ${rng.pick(WORDS)} = await fetch("/v1/${rng.pick(PLACES)}");\n\`\`\``;
  }
  if (roll < 0.15) {
    const file = `${rng.pick(WORDS)}-${rng.int(1, 99)}.png`;
    return `${sentence(rng, 3, 8)} ATTACHMENT:{"name":"${file}","url":"https://files.devin.ai/attachments/${rng.hex(12)}/${file}"}`;
  }
  if (roll < 0.16) return paragraph(rng, rng.int(40, 80), unicode);
  return paragraph(rng, rng.int(1, 4), unicode);
}

/** A message of at least `bytes` bytes (a pasted log), with some multi-byte characters in it. */
export function hugeMessage(rng: Rng, bytes: number): string {
  const lines: string[] = ['Here is the full build log 📋:'];
  let size = lines[0]?.length ?? 0;
  for (let n = 1; size < bytes; n++) {
    const line = `[${String(n).padStart(5, '0')}] ${rng.pick(PLACES)}: ${sentence(rng, 6, 14)} — ok ✓`;
    lines.push(line);
    size += Buffer.byteLength(line) + 1;
  }
  return lines.join('\n');
}
