import type { Command } from 'commander';
import { flagOf, type Settings } from '../util/settings.js';

/**
 * Registers a command's flags from its settings. Commander only collects the text given (no
 * defaults, no parsing): the settings' zod schemas parse it, once, with the environment.
 */
export function addSettings(command: Command, settings: Settings): Command {
  for (const [key, setting] of Object.entries(settings)) {
    const names = `${setting.short ? `${setting.short}, ` : ''}${flagOf(key)}`;
    const help = setting.env ? `${setting.help} [$${setting.env}]` : setting.help;
    command.option(setting.value ? `${names} <${setting.value}>` : names, help);
  }
  return command;
}
