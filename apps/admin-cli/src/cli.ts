import type { ProductCommand, TenantryConfig } from '@tenantry/tenancy';
import { Command, Option } from 'commander';
import { COMMANDS, type CommandSpec } from './commands/index.js';
import type { CommandResult } from './commands/types.js';
import { EXIT_FAILED, EXIT_OK, type ExitCode, errorCode, errorLine, errorStack, exitCodeFor } from './errors.js';
import { type ConfigLocation, commandWord, connectionSecretsEnv, loadProduct, locateConfig } from './product.js';
import { redact, secretsOf } from './redact.js';

/** Version of every `--json` document; it changes only when a field changes meaning or goes away. */
export const JSON_VERSION = 1;

export interface CliIo {
  readonly stdout: NodeJS.WritableStream;
  readonly stderr: NodeJS.WritableStream & { isTTY?: boolean };
  readonly env: Readonly<Record<string, string | undefined>>;
  /** Where a relative `--config` and the default tenantry.config are looked for; the process's by default. */
  readonly cwd?: string;
}

interface GlobalOptions {
  readonly json?: boolean;
  readonly verbose?: boolean;
}

/** A command on the command line: one of the CLI's own, or one of the product's. */
type Mounted = { readonly spec: CommandSpec; readonly product?: undefined } | { readonly spec: CommandSpec; readonly product: ProductCommand<any> };

const CORE_COMMAND_WORDS: ReadonlySet<string> = new Set(COMMANDS.map((c) => c.path[0]!));

/**
 * Runs `tenantry <argv>` and returns the exit code: 0 success, 1 the work failed, 2 usage error.
 * Never exits the process itself (main.ts does), so it can be driven from anywhere.
 */
export async function runCli(argv: readonly string[], io: CliIo): Promise<ExitCode> {
  const cwd = io.cwd ?? process.cwd();
  let secrets = secretsOf(io.env);
  const writeOut = (text: string) => void io.stdout.write(redact(text, secrets));
  const writeErr = (text: string) => void io.stderr.write(redact(text, secrets));
  // Known before parsing, so that even a parse error honours them.
  const wantsJson = argv.includes('--json');
  const verbose = argv.includes('--verbose');

  const location = locateConfig(argv, io.env, cwd);
  let loading: Promise<TenantryConfig<any>> | undefined;
  /** The product's config, read once; undefined when there is no file to read. */
  const product = async (): Promise<TenantryConfig<any> | undefined> => {
    if (!location) return undefined;
    loading ??= loadProduct(location).then((config) => {
      secrets = [...new Set([...secrets, ...secretsOf(connectionSecretsEnv(config.connection))])].sort((a, b) => b.length - a.length);
      return config;
    });
    return loading;
  };

  let commandName = '';
  let code: ExitCode = EXIT_OK;
  const execute = async ({ spec, product: productCommand }: Mounted, command: Command) => {
    const globals = command.optsWithGlobals<GlobalOptions>();
    commandName = spec.path.join(' ');
    // The core, the drivers and the product's config load only now: `--help` and usage errors stay quick.
    const [{ loadConfig }, { createContext }, { plural, table }, config] = await Promise.all([
      import('@tenantry/tenancy'),
      import('./context.js'),
      import('./format.js'),
      product(),
    ]);
    const missing = noConfigMessage(cwd);
    if (spec.needsSchema && !config) {
      const { UsageError } = await import('@tenantry/tenancy');
      throw new UsageError(`tenantry ${commandName} needs the product's tenant migrations: ${missing}`);
    }
    const settings = loadConfig(io.env, config?.connection);
    const ctx = createContext({ config: settings, product: config, noProduct: missing, stderr: io.stderr, verbose, writeErr: (line) => writeErr(`${line}\n`) });
    try {
      const input = { args: command.processedArgs, options: command.opts() };
      const module = productCommand ?? (await spec.load());
      const result: CommandResult<unknown> = await module.run(ctx, input);
      if (globals.json) {
        writeOut(`${JSON.stringify({ version: JSON_VERSION, command: commandName, ok: result.ok, ...(result.data as object) }, null, 2)}\n`);
      } else {
        const text = module.render(result.data, { table, plural });
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

  try {
    const word = commandWord(argv);
    // A product command, help or a mistake: the product's commands are needed to tell which.
    let productCommands: readonly ProductCommand<any>[] = [];
    let unreadable: string | undefined;
    if (location && (word === undefined || !CORE_COMMAND_WORDS.has(word))) {
      try {
        productCommands = (await product())?.commands ?? [];
      } catch (error) {
        // Help still helps when the file is broken; anything else stops here, naming the file.
        if (word !== undefined && word !== 'help') throw error;
        unreadable = errorLine(error);
      }
    }
    const program = buildProgram(execute, productCommands, { location, unreadable, cwd }, writeOut, writeErr);
    await program.parseAsync([...argv], { from: 'user' });
    return code;
  } catch (error) {
    const exit = exitCodeFor(error);
    if ((error as { code?: unknown }).code?.toString().startsWith('commander.')) {
      if (errorCode(error) === 'commander.unknownCommand' && !location) writeErr(`(${noConfigMessage(cwd)}; a product's commands come from it)\n`);
      return exit;
    }
    writeErr(`error: ${errorLine(error)}\n`);
    if (verbose) writeErr(`${errorStack(error)}\n`);
    if (wantsJson) {
      const body = { version: JSON_VERSION, command: commandName, ok: false, error: { code: errorCode(error), message: errorLine(error) } };
      writeOut(`${JSON.stringify(body, null, 2)}\n`);
    }
    return exit;
  }
}

function noConfigMessage(cwd: string): string {
  return `no tenantry.config.{ts,js,mjs} in ${cwd} (give --config <path> or set TENANCY_CONFIG)`;
}

interface ProgramContext {
  readonly location: ConfigLocation | undefined;
  /** Why the config file could not be read, when only help was asked for. */
  readonly unreadable: string | undefined;
  readonly cwd: string;
}

function buildProgram(
  execute: (mounted: Mounted, command: Command) => Promise<void>,
  productCommands: readonly ProductCommand<any>[],
  { location, unreadable, cwd }: ProgramContext,
  writeOut: (text: string) => void,
  writeErr: (text: string) => void,
): Command {
  const product = !location
    ? `\n${noConfigMessage(cwd)}:\ncreate, show, migrate and doctor need one.`
    : unreadable
      ? `\nProduct commands are missing: ${unreadable}`
      : `\nProduct: ${location.path}`;
  const program = new Command('tenantry')
    .description('Operate a Tenantry registry and its tenant databases (configured by tenantry.config.ts, DATABASE_URL, TENANCY_SERVERS, ...)')
    .option('--config <path>', "the product's tenantry.config.{ts,js,mjs} (default: the one in the working directory; or TENANCY_CONFIG)")
    .option('--json', 'print a versioned JSON document on stdout instead of tables')
    .option('--verbose', 'print stack traces with errors, and the core\'s info messages')
    .exitOverride()
    .configureOutput({ writeOut, writeErr })
    .showHelpAfterError('(tenantry --help lists the commands; tenantry <command> --help its options)')
    .configureHelp({ showGlobalOptions: true, sortSubcommands: false })
    .addHelpText(
      'after',
      `${product}\n\nExit codes: 0 success, 1 the work failed (some tenant failed, a tenant was not found),\n2 usage error (unknown command, bad flag, invalid name, missing --yes, a missing or broken config file).`,
    );

  const mounted: Mounted[] = [
    ...COMMANDS.map((spec) => ({ spec })),
    ...productCommands.map((command) => ({
      product: command,
      spec: {
        path: command.path,
        summary: command.summary,
        ...(command.arguments ? { arguments: command.arguments } : {}),
        options: (command.options ?? []).map(([flags, description]) => ({ flags, description })),
        load: () => Promise.reject(new Error('a product command is not loaded')),
      },
    })),
  ];
  const groups = new Map<string, Command>();
  for (const entry of mounted) {
    const { spec } = entry;
    if (entry.product && CORE_COMMAND_WORDS.has(spec.path[0]!)) {
      throw Object.assign(new Error(`the product's command "${spec.path.join(' ')}" takes the name of a tenantry command`), { code: 'invalid_config' });
    }
    let parent = program;
    for (const group of spec.path.slice(0, -1)) {
      let groupCommand = groups.get(group);
      if (!groupCommand) {
        groupCommand = parent.command(group).description(groupSummary(group, mounted));
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
    command.action(async (...actionArgs: unknown[]) => execute(entry, actionArgs.at(-1) as Command));
  }
  return program;
}

/** A group's line in the help: its one command's summary, or the names of its commands. */
function groupSummary(group: string, mounted: readonly Mounted[]): string {
  const members = mounted.filter((m) => m.spec.path[0] === group && m.spec.path.length > 1);
  if (members.length === 1) return members[0]!.spec.summary;
  return `${group} commands: ${members.map((m) => m.spec.path.slice(1).join(' ')).join(', ')}`;
}
