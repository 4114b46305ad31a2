import type { CommandContext } from '../context.js';

/** What a command returns: data (printed as a table, or as JSON with `--json`) and whether the work succeeded. */
export interface CommandResult<T> {
  readonly data: T;
  /** False when the work failed, in whole or for some tenants: exit code 1. */
  readonly ok: boolean;
  /** With `ok: false`, the one line for stderr. */
  readonly error?: string;
}

/** Positional arguments (a variadic one as an array) and options, as the parser delivers them. */
export interface CommandInput {
  readonly args: readonly unknown[];
  readonly options: Readonly<Record<string, unknown>>;
}

/** One command, loaded only when it runs. */
export interface CommandModule<T = any> {
  run(ctx: CommandContext, input: CommandInput): Promise<CommandResult<T>>;
  /** The human form of the data: tables and sentences. */
  render(data: T): string;
}
