/**
 * Where the CLI writes, so that tests capture output without a child process.
 */

/** The CLI's output streams. Each call writes `s` as is (lines end with `\n`). */
export interface CliIo {
  /** Writes to standard output: reports and results. */
  stdout(s: string): void;
  /** Writes to standard error: usage, input errors and notes. */
  stderr(s: string): void;
}

/** Exit codes shared by every command. */
export const ExitCode = {
  /** The check passed (informational findings allowed). */
  OK: 0,
  /** The check found violations. */
  VIOLATIONS: 1,
  /** The input was unusable: a missing or malformed file, a bad option. */
  USAGE: 2,
} as const;
