/**
 * The `sovereign-ml` command line: dispatches to a subcommand and turns unusable input
 * into a one-line message and exit code 2, never a stack trace.
 */
import { SovereignMlError } from '../errors';
import { ExitCode, type CliIo } from './cli-io';
import { runBaseline } from './baseline-command';
import { runDrift } from './drift-command';
import { runResidency } from './residency-command';

export { ExitCode, type CliIo } from './cli-io';

/** A subcommand: a summary for the usage text and its entry point. */
interface Command {
  readonly summary: string;
  run(argv: readonly string[], io: CliIo): Promise<number>;
}

const COMMANDS: Readonly<Record<string, Command>> = {
  residency: { summary: 'check synthesized CloudFormation or Terraform JSON against a data-residency boundary', run: runResidency },
  baseline: { summary: 'build a drift baseline from reference data (CSV or JSON lines)', run: runBaseline },
  drift: { summary: 'evaluate local capture files against a drift baseline', run: runDrift },
};

/** The top-level help text. */
export const USAGE = `usage: sovereign-ml <command> [options]

commands:
${Object.entries(COMMANDS).map(([name, c]) => `  ${name.padEnd(12)}${c.summary}`).join('\n')}

run "sovereign-ml <command> --help" for the options of a command
`;

/**
 * Runs the CLI with `argv` (the arguments after the program name).
 * @returns the exit code: 0 success, 1 the check found violations, 2 unusable input or
 * an unknown command (with usage on stderr)
 */
export async function main(argv: readonly string[], io: CliIo): Promise<number> {
  const [name, ...rest] = argv;
  if (name === '-h' || name === '--help' || name === 'help') {
    io.stdout(USAGE);
    return ExitCode.OK;
  }
  const command = name === undefined ? undefined : Object.hasOwn(COMMANDS, name) ? COMMANDS[name] : undefined;
  if (!command) {
    io.stderr(`${name === undefined ? 'sovereign-ml: missing command' : `sovereign-ml: unknown command ${JSON.stringify(name)}`}\n${USAGE}`);
    return ExitCode.USAGE;
  }
  try {
    return await command.run(rest, io);
  } catch (err) {
    // Input errors carry a message written for the user; anything else is a bug, still
    // reported on one line (with a non-zero code) rather than as a stack trace.
    const detail = SovereignMlError.isSovereignMlError(err)
      ? err.message
      : `internal error: ${err instanceof Error ? err.message : String(err)}`;
    io.stderr(`sovereign-ml ${name}: ${detail.replace(/\s*[\r\n]+\s*/g, ' ')}\n`);
    return ExitCode.USAGE;
  }
}
