import type { Command } from 'commander';
import { CONFIG_FIELDS, isSecretField, optionName } from './config-fields.js';
import type { ConfigRequest } from './config-input.js';

const camelCase = (field: string) => field.replace(/_([a-z])/g, (_, letter: string) => letter.toUpperCase());
const collect = (value: string, previous: string[] = []) => [...previous, value];

/** Secrets never become options: a command line is visible to every user of the machine (`ps`). */
const OPTION_FIELDS = CONFIG_FIELDS.filter((field) => !isSecretField(field));

export interface ConfigFlags {
  config?: string[];
  [option: string]: unknown;
}

/**
 * `--config <file>` (repeatable, merged in order) and one option per config field (`--org-id`,
 * `--base-url`, ...; the token only through the environment, `.env` or a file), on every command
 * that reads a config.
 */
export function addConfigOptions<T extends Command>(command: T, configHelp = 'config JSON file'): T {
  command.option('--config <file>', `${configHelp} (repeatable: merged in order, later files win)`, collect);
  return addConfigFieldOptions(command);
}

/** One option per non-secret config field: `--org-id`, `--base-url`, `--page-size`, ... */
export function addConfigFieldOptions<T extends Command>(command: T): T {
  for (const field of OPTION_FIELDS) {
    command.option(`${optionName(field)} <value>`, `config field ${field} (wins over env, .env and files)`);
  }
  return command;
}

/** The config request of a command: its files and options, the environment and `.env` of the cwd. */
export function configRequest(
  flags: ConfigFlags,
  env: NodeJS.ProcessEnv,
  cwd = process.cwd(),
): ConfigRequest {
  const options: Record<string, string | undefined> = {};
  for (const field of OPTION_FIELDS) {
    const value = flags[camelCase(field)];
    if (typeof value === 'string') options[field] = value;
  }
  return { configPaths: flags.config ?? [], options, env, cwd };
}
