import type { CommandFormat, ProductCommandInput, ProductCommandResult } from '@tenantry/tenancy';
import type { CommandContext } from '../context.js';

/** What a command returns: data (printed as a table, or as JSON with `--json`) and whether the work succeeded. */
export type CommandResult<T> = ProductCommandResult<T>;

/** Positional arguments (a variadic one as an array) and options, as the parser delivers them. */
export type CommandInput = ProductCommandInput;

/** One of the CLI's own commands, loaded only when it runs. A product's commands have the same shape. */
export interface CommandModule<T = any> {
  run(ctx: CommandContext, input: CommandInput): Promise<CommandResult<T>>;
  /** The human form of the data: tables and sentences (a product's command gets the CLI's helpers). */
  render(data: T, format?: CommandFormat): string;
}
