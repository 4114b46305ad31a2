import { Command, Option } from 'commander';
import { COMMANDS, type CommandSpec } from './commands/index.js';
import type { CommandResult } from './commands/types.js';
import { EXIT_FAILED, EXIT_OK, type ExitCode, errorCode, errorLine, errorStack, exitCodeFor } from './errors.js';
import { redact, secretsOf } from './redact.js';

/** Version of every `--json` document; it changes only when a field changes meaning or goes away. */
export const JSON_VERSION = 1;

export interface CliIo {
  readonly stdout: NodeJS.WritableStream;
  readonly stderr: NodeJS.WritableStream & { isTTY?: boolean };
  readonly env: Readonly<Record<string, string | undefined>>;
}

interface GlobalOptions {
  readonly json?: boolean;
  readonly verbose?: boolean;
}

/**
 * Runs `tenantry <argv>` and returns the exit code: 0 success, 1 the work failed, 2 usage error.
 * Never exits the process itself (main.ts does), so it can be driven from anywhere.
 */
export async function runCli(argv: readonly string[], io: CliIo): Promise<ExitCode> {
  const secrets = secretsOf(io.env);
  const writeOut = (text: string) => void io.stdout.write(redact(text, secrets));
  const writeErr = (text: string) => void io.stderr.write(redact(text, secrets));
  // Known before parsing, so that even a parse error honours them.
  const wantsJson = argv.includes('--json');
  const verbose = argv.includes('--verbose');

  let commandName = '';
  let code: ExitCode = EXIT_OK;
  const execute = async (spec: CommandSpec, command: Command) => {
    const globals = command.optsWithGlobals<GlobalOptions>();
    commandName = spec.path.join(' ');
    // The core and the drivers load only now: `--help` and usage errors stay quick.
    const [{ loadConfig }, { createContext }] = await Promise.all([import('@tenantry/tenancy'), import('./context.js')]);
    const config = loadConfig(io.env);
    const ctx = createContext({ config, stderr: io.stderr, verbose, writeErr: (line) => writeErr(`${line}\n`) });
    try {
      const module = await spec.load();
      const result: CommandResult<unknown> = await module.run(ctx, {
        args: command.processedArgs,
        options: command.opts(),
      });
      if (globals.json) {
        writeOut(`${JSON.stringify({ version: JSON_VERSION, command: commandName, ok: result.ok, ...(result.data as object) }, null, 2)}\n`);
      } else {
        const text = module.render(result.data);
        if (text) writeOut(`${text}\n`);
      }
      if (!result.ok) {
        writeErr(`error: ${result.error ?? 'the command failed'}\n`);
        code = EXIT_FAILED;
      }
    } finally {
      await ctx.close();
    }
  };

  const program = buildProgram(execute, writeOut, writeErr);
  try {
    await program.parseAsync([...argv], { from: 'user' });
    return code;
  } catch (error) {
    const exit = exitCodeFor(error);
    if ((error as { code?: unknown }).code?.toString().startsWith('commander.')) return exit; // commander has printed it
    writeErr(`error: ${errorLine(error)}\n`);
    if (verbose) writeErr(`${errorStack(error)}\n`);
    if (wantsJson) {
      const body = { version: JSON_VERSION, command: commandName, ok: false, error: { code: errorCode(error), message: errorLine(error) } };
      writeOut(`${JSON.stringify(body, null, 2)}\n`);
    }
    return exit;
  }
}

const GROUP_SUMMARIES: Readonly<Record<string, string>> = { users: "manage the users in a tenant's database" };

function buildProgram(
  execute: (spec: CommandSpec, command: Command) => Promise<void>,
  writeOut: (text: string) => void,
  writeErr: (text: string) => void,
): Command {
  const program = new Command('tenantry')
    .description('Operate a Tenantry registry and its tenant databases (configured by DATABASE_URL, TENANCY_SERVERS, ...)')
    .option('--json', 'print a versioned JSON document on stdout instead of tables')
    .option('--verbose', 'print stack traces with errors, and the core\'s info messages')
    .exitOverride()
    .configureOutput({ writeOut, writeErr })
    .showHelpAfterError('(tenantry --help lists the commands; tenantry <command> --help its options)')
    .configureHelp({ showGlobalOptions: true, sortSubcommands: false })
    .addHelpText(
      'after',
      '\nExit codes: 0 success, 1 the work failed (some tenant failed, a tenant was not found),\n2 usage error (unknown command, bad flag, invalid name, missing --yes).',
    );

  const groups = new Map<string, Command>();
  for (const spec of COMMANDS) {
    let parent = program;
    for (const group of spec.path.slice(0, -1)) {
      let groupCommand = groups.get(group);
      if (!groupCommand) {
        groupCommand = parent.command(group).description(GROUP_SUMMARIES[group] ?? `${group} commands`);
        groups.set(group, groupCommand);
      }
      parent = groupCommand;
    }
    const command = parent.command(spec.path.at(-1)!).description(spec.summary);
    for (const [syntax, description] of spec.arguments ?? []) command.argument(syntax, description);
    for (const option of spec.options ?? []) {
      const o = new Option(option.flags, option.description);
      if (option.choices) o.choices(option.choices);
      if (option.parse) o.argParser(option.parse);
      command.addOption(o);
    }
    command.action(async (...actionArgs: unknown[]) => execute(spec, actionArgs.at(-1) as Command));
  }
  return program;
}
