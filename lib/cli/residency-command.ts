/**
 * `sovereign-ml residency`: checks synthesized CloudFormation (a cloud assembly or
 * template files) against a data-residency boundary, prints the findings, and exits 1
 * when there are violations, so that it can gate a pipeline after `cdk synth`.
 */
import { mkdir, stat, writeFile } from 'node:fs/promises';
import * as path from 'node:path';
import { ErrorCode, SovereignMlError } from '../errors';
import { isKnownRegion, nearestRegionNames } from '../regions';
import { auditCloudFormation, type ResidencyAudit } from '../residency/audit';
import { Boundary } from '../residency/boundary';
import { auditVerdict, compareFindings, isViolation, renderJsonReport, renderMarkdownReport } from '../residency/report';
import type { StackDocument } from '../residency/template';
import { ExitCode, type CliIo } from './cli-io';
import { readCloudAssembly } from './cloud-assembly';
import { describeFsError, readTemplateFile } from './template-file';

/** The help text of `sovereign-ml residency`. */
export const RESIDENCY_USAGE = `usage: sovereign-ml residency <cdk.out dir | template files...> --boundary <boundary> [options]

Checks synthesized CloudFormation against a data-residency boundary.

arguments:
  <cdk.out dir>         a cloud assembly: the stacks listed in its manifest.json (nested assemblies included)
  <template files...>   CloudFormation template JSON files; the stack name is the file name
                        without .template.json or .json

options:
  --boundary <b>        hk (ap-east-1), cn (cn-north-1, cn-northwest-1),
                        or regions:<r1,r2>[@site1,site2] (a custom boundary with optional on-prem sites)
  --region <r>          the region the template files deploy to
                        (default: unknown, reported as RES-STACK-REGION)
  --json                print the JSON report instead of text
  --report-dir <dir>    also write residency-report.json and residency-report.md to <dir>
  -h, --help            print this help

exit codes: 0 no violations (info findings allowed), 1 violations, 2 unusable input
`;

/** The options of one run, parsed. */
interface ResidencyArgs {
  readonly inputs: string[];
  readonly boundary?: string;
  readonly region?: string;
  readonly json: boolean;
  readonly reportDir?: string;
  readonly help: boolean;
}

const VALUE_OPTIONS = ['--boundary', '--region', '--report-dir'] as const;
type ValueOption = (typeof VALUE_OPTIONS)[number];

/** Report file names written by `--report-dir`. */
const REPORT_FILES = { json: 'residency-report.json', markdown: 'residency-report.md' } as const;

/**
 * Runs `sovereign-ml residency` with the arguments after the command name.
 * @returns the exit code: 0 clean, 1 violations
 * @throws SovereignMlError INVALID_PROPS for unusable input (the caller prints it and exits 2)
 */
export async function runResidency(argv: readonly string[], io: CliIo): Promise<number> {
  const args = parseArgs(argv);
  if (args.help) {
    io.stdout(RESIDENCY_USAGE);
    return ExitCode.OK;
  }
  if (args.inputs.length === 0) fail('no input: give a cdk.out directory or CloudFormation template files');
  if (args.boundary === undefined) fail('--boundary is required: hk, cn or regions:<r1,r2>[@site1,site2]');
  const boundary = parseBoundary(args.boundary);
  if (args.region !== undefined && !isKnownRegion(args.region)) {
    fail(`--region ${JSON.stringify(args.region)} is not a known AWS region; did you mean ${nearestRegionNames(args.region).join(', ')}?`);
  }

  const stacks = await readInputs(args.inputs, args.region);
  const audit = auditCloudFormation(stacks, { boundary });

  if (args.reportDir !== undefined) await writeReports(args.reportDir, audit);
  io.stdout(args.json ? renderJsonReport(audit) : renderText(audit));
  return auditVerdict(audit) === 'violations' ? ExitCode.VIOLATIONS : ExitCode.OK;
}

function parseArgs(argv: readonly string[]): ResidencyArgs {
  const inputs: string[] = [];
  const values = new Map<ValueOption, string>();
  let json = false;
  let help = false;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--') {
      inputs.push(...argv.slice(i + 1));
      break;
    }
    if (arg === '-h' || arg === '--help') { help = true; continue; }
    if (arg === '--json') { json = true; continue; }
    if (!arg.startsWith('-') || arg === '-') { inputs.push(arg); continue; }
    const eq = arg.indexOf('=');
    const name = eq > 0 ? arg.slice(0, eq) : arg;
    if (!(VALUE_OPTIONS as readonly string[]).includes(name)) {
      fail(`unknown option ${name} (run sovereign-ml residency --help)`);
    }
    const option = name as ValueOption;
    let value: string | undefined;
    if (eq > 0) {
      value = arg.slice(eq + 1);
    } else {
      value = argv[i + 1];
      if (value === undefined || value.startsWith('--')) fail(`${option} needs a value`);
      i++;
    }
    if (value === '') fail(`${option} needs a value`);
    if (values.has(option)) fail(`${option} was given twice`);
    values.set(option, value);
  }
  return { inputs, boundary: values.get('--boundary'), region: values.get('--region'), reportDir: values.get('--report-dir'), json, help };
}

/** `hk`, `cn`, or `regions:<r1,r2>[@site1,site2]` (a boundary named `custom`). */
function parseBoundary(text: string): Boundary {
  if (text === 'hk') return Boundary.HONG_KONG;
  if (text === 'cn') return Boundary.MAINLAND_CHINA;
  const m = /^regions:([^@]*)(?:@(.*))?$/.exec(text);
  if (!m) fail(`--boundary must be hk, cn or regions:<r1,r2>[@site1,site2], got ${JSON.stringify(text)}`);
  const list = (s: string | undefined, what: string) => {
    if (s === undefined || s === '') return [];
    const items = s.split(',').map((x) => x.trim());
    if (items.some((x) => x === '')) fail(`--boundary ${JSON.stringify(text)} has an empty ${what} name`);
    return items;
  };
  try {
    return Boundary.regions('custom', list(m[1], 'region'), { sites: list(m[2], 'site') });
  } catch (err) {
    if (SovereignMlError.isSovereignMlError(err)) fail(`--boundary ${JSON.stringify(text)}: ${err.detail}`, err);
    throw err;
  }
}

/** The stacks of every input: cloud assemblies (directories) and template files. */
async function readInputs(inputs: readonly string[], region: string | undefined): Promise<StackDocument[]> {
  const stacks: StackDocument[] = [];
  let files = 0;
  for (const input of inputs) {
    const info = await stat(input).catch((err: unknown) => fail(`cannot read ${input}: ${describeFsError(err)}`, err));
    if (info.isDirectory()) {
      const found = await readCloudAssembly(input);
      if (found.length === 0) fail(`cloud assembly ${input} has no CloudFormation stacks`);
      stacks.push(...found);
    } else {
      files++;
      stacks.push({ stackName: stackNameOf(input), template: await readTemplateFile(input), region, templatePath: input });
    }
  }
  if (region !== undefined && files === 0) {
    fail('--region applies to template files only; the stacks of a cloud assembly carry their own environment');
  }
  const seen = new Map<string, string | undefined>();
  for (const s of stacks) {
    if (seen.has(s.stackName)) {
      fail(`stack name ${JSON.stringify(s.stackName)} is used by both ${seen.get(s.stackName)} and ${s.templatePath}; stack names must be unique`);
    }
    seen.set(s.stackName, s.templatePath);
  }
  return stacks;
}

/** The file name without `.template.json` or `.json`. */
function stackNameOf(file: string): string {
  return path.basename(file).replace(/\.template\.json$|\.json$/i, '');
}

async function writeReports(dir: string, audit: ResidencyAudit): Promise<void> {
  try {
    await mkdir(dir, { recursive: true });
    await writeFile(path.join(dir, REPORT_FILES.json), renderJsonReport(audit));
    await writeFile(path.join(dir, REPORT_FILES.markdown), renderMarkdownReport(audit));
  } catch (err) {
    fail(`--report-dir ${dir}: cannot write the reports: ${describeFsError(err)}`, err);
  }
}

/**
 * One line per finding (severity, rule id, where, property path, message) with its fix
 * indented below, then a summary line.
 */
function renderText(audit: ResidencyAudit): string {
  const lines: string[] = [];
  for (const f of [...audit.findings].sort(compareFindings)) {
    const where = f.logicalId
      ? `${f.stackName}/${f.logicalId}${f.constructPath ? ` (${f.constructPath})` : ''}`
      : `${f.stackName}${f.stackConstructPath !== f.stackName ? ` (${f.stackConstructPath})` : ''}`;
    lines.push(`${f.severity} ${f.ruleId} ${where}${f.propertyPath ? ` ${f.propertyPath}` : ''}: ${f.message}`);
    lines.push(`  fix: ${f.fix}`);
  }
  const violations = audit.findings.filter(isViolation).length;
  const infos = audit.findings.length - violations;
  const n = audit.stacks.length;
  lines.push(`residency: ${violations} violation${violations === 1 ? '' : 's'}, ${infos} info in ${n} stack${n === 1 ? '' : 's'} (boundary ${audit.policy.boundary.describe()})`);
  return `${lines.join('\n')}\n`;
}

function fail(message: string, cause?: unknown): never {
  throw new SovereignMlError(ErrorCode.INVALID_PROPS, message, cause === undefined ? {} : { cause });
}
