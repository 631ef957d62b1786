/**
 * `sovereign-ml residency`: checks synthesized CloudFormation (a cloud assembly or
 * template files) or Terraform JSON (a cdktf output or `*.tf.json` files) against a
 * data-residency policy (a boundary, and optionally one per data class), prints the
 * findings, and exits 1 when there are violations, so that it can gate a pipeline after
 * `cdk synth` or `cdktf synth`.
 */
import { mkdir, stat, writeFile } from 'node:fs/promises';
import type { Stats } from 'node:fs';
import * as path from 'node:path';
import { ErrorCode, SovereignMlError } from '../errors';
import { isKnownRegion, nearestRegionNames } from '../regions';
import { auditCloudFormation, type ResidencyAudit } from '../residency/audit';
import { Boundary, type ResidencyPolicy } from '../residency/boundary';
import { ALL_DATA_CLASSES, isDataClass, type DataClass } from '../residency/data-class';
import { auditVerdict, compareFindings, isViolation, perClassBoundaries, renderJsonReport, renderMarkdownReport } from '../residency/report';
import type { StackDocument } from '../residency/template';
import { auditTerraform, type TerraformStackDocument } from '../residency/terraform/audit-terraform';
import { readCdktfOutput, isCdktfManifest } from './cdktf-output';
import { ExitCode, type CliIo } from './cli-io';
import { readCloudAssembly } from './cloud-assembly';
import { describeFsError, readDocumentFile, readJsonFile } from './template-file';

/** The help text of `sovereign-ml residency`. */
export const RESIDENCY_USAGE = `usage: sovereign-ml residency <cdk.out dir | template files...> --boundary <boundary> [options]
       sovereign-ml residency <cdktf.out dir | *.tf.json files...> --boundary <boundary> [options]

Checks synthesized CloudFormation or Terraform JSON against a data-residency boundary,
and optionally a stricter or wider one per data class.
The kind of each input is read from its content; one run reads one kind.

arguments:
  <cdk.out dir>         a cloud assembly: the stacks listed in its manifest.json (nested assemblies included)
  <template files...>   CloudFormation template JSON files (a "Resources" object); the stack name is
                        the file name without .template.json or .json
  <cdktf.out dir>       a CDK for Terraform output: the stacks listed in its manifest.json, or without
                        one every stacks/<name>/cdk.tf.json
  <*.tf.json files...>  Terraform JSON files (a "resource", "data", "module", "provider" or "terraform"
                        object); the stack name is the folder name for cdk.tf.json, else the file name
                        without .tf.json or .json

options:
  --boundary <b>        hk (ap-east-1), cn (cn-north-1, cn-northwest-1),
                        or regions:<r1,r2>[@site1,site2] (a custom boundary with optional on-prem sites;
                        regions:@site1 for sites only)
  --class-boundary <data-class>=<b>
                        the boundary for data of one class instead of --boundary, in the same syntax
                        or "anywhere" (no restriction, e.g. telemetry=anywhere); repeatable, once per
                        class (e.g. inference-payload=regions:@kwun-tong-dc).
                        Classes: ${ALL_DATA_CLASSES.join(', ')}
  --region <r>          CloudFormation only: the region the template files deploy to
                        (default: unknown, reported as RES-STACK-REGION); Terraform documents
                        name their regions in their provider blocks
  --json                print the JSON report instead of text
  --report-dir <dir>    also write residency-report.json and residency-report.md to <dir>
  -h, --help            print this help

exit codes: 0 no violations (info findings allowed), 1 violations, 2 unusable input
`;

/** The options of one run, parsed. */
interface ResidencyArgs {
  readonly inputs: string[];
  readonly boundary?: string;
  /** The `--class-boundary` values, in the order given. */
  readonly classBoundaries: string[];
  readonly region?: string;
  readonly json: boolean;
  readonly reportDir?: string;
  readonly help: boolean;
}

const VALUE_OPTIONS = ['--boundary', '--class-boundary', '--region', '--report-dir'] as const;
type ValueOption = (typeof VALUE_OPTIONS)[number];
/** Options that may be given more than once; the others are refused when repeated. */
const REPEATABLE_OPTIONS: readonly ValueOption[] = ['--class-boundary'];

/** The syntax of a boundary, for messages. */
const BOUNDARY_SYNTAX = 'hk, cn or regions:<r1,r2>[@site1,site2]';

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
  if (args.inputs.length === 0) fail('no input: give a cdk.out or cdktf.out directory, or CloudFormation template or Terraform JSON files');
  if (args.boundary === undefined) fail(`--boundary is required: ${BOUNDARY_SYNTAX}`);
  const boundary = parseBoundary(args.boundary, '--boundary');
  const dataClasses = parseClassBoundaries(args.classBoundaries);
  if (args.region !== undefined && !isKnownRegion(args.region)) {
    fail(`--region ${JSON.stringify(args.region)} is not a known AWS region; did you mean ${nearestRegionNames(args.region).join(', ')}?`);
  }

  const inputs = await readInputs(args.inputs, args.region);
  const policy: ResidencyPolicy = Object.keys(dataClasses).length > 0 ? { boundary, dataClasses } : { boundary };
  const audit = inputs.kind === 'terraform' ? auditTerraform(inputs.stacks, policy) : auditCloudFormation(inputs.stacks, policy);

  if (args.reportDir !== undefined) await writeReports(args.reportDir, audit);
  io.stdout(args.json ? renderJsonReport(audit) : renderText(audit));
  return auditVerdict(audit) === 'violations' ? ExitCode.VIOLATIONS : ExitCode.OK;
}

function parseArgs(argv: readonly string[]): ResidencyArgs {
  const inputs: string[] = [];
  const values = new Map<ValueOption, string>();
  const repeated = new Map<ValueOption, string[]>();
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
    if (REPEATABLE_OPTIONS.includes(option)) {
      repeated.set(option, [...(repeated.get(option) ?? []), value]);
      continue;
    }
    if (values.has(option)) fail(`${option} was given twice`);
    values.set(option, value);
  }
  return {
    inputs,
    boundary: values.get('--boundary'),
    classBoundaries: repeated.get('--class-boundary') ?? [],
    region: values.get('--region'),
    reportDir: values.get('--report-dir'),
    json,
    help,
  };
}

/**
 * `hk`, `cn`, or `regions:<r1,r2>[@site1,site2]` (a boundary named `custom`).
 * @param option how messages name the value: `--boundary`, or `--class-boundary <class>`
 */
function parseBoundary(text: string, option: string): Boundary {
  if (text === 'hk') return Boundary.HONG_KONG;
  if (text === 'cn') return Boundary.MAINLAND_CHINA;
  const m = /^regions:([^@]*)(?:@(.*))?$/.exec(text);
  if (!m) fail(`${option} must be ${BOUNDARY_SYNTAX}, got ${JSON.stringify(text)}`);
  const list = (s: string | undefined, what: string) => {
    if (s === undefined || s === '') return [];
    const items = s.split(',').map((x) => x.trim());
    if (items.some((x) => x === '')) fail(`${option} ${JSON.stringify(text)} has an empty ${what} name`);
    return items;
  };
  try {
    return Boundary.regions('custom', list(m[1], 'region'), { sites: list(m[2], 'site') });
  } catch (err) {
    if (SovereignMlError.isSovereignMlError(err)) fail(`${option} ${JSON.stringify(text)}: ${err.detail}`, err);
    throw err;
  }
}

/** The policy's per-class boundaries from `--class-boundary <data-class>=<boundary>` values; each class at most once. */
function parseClassBoundaries(values: readonly string[]): Partial<Record<DataClass, Boundary>> {
  const out: Partial<Record<DataClass, Boundary>> = {};
  for (const value of values) {
    const eq = value.indexOf('=');
    if (eq <= 0) fail(`--class-boundary must be <data-class>=<boundary>, got ${JSON.stringify(value)}`);
    const name = value.slice(0, eq);
    if (!isDataClass(name)) {
      fail(`--class-boundary ${JSON.stringify(value)}: unknown data class ${JSON.stringify(name)}; the classes are ${ALL_DATA_CLASSES.join(', ')}`);
    }
    if (out[name] !== undefined) fail(`--class-boundary ${name} was given twice; give each data class one boundary`);
    const text = value.slice(eq + 1);
    // "anywhere" only here: a whole policy without a boundary would check nothing.
    out[name] = text === 'anywhere' ? Boundary.ANYWHERE : parseBoundary(text, `--class-boundary ${name}`);
  }
  return out;
}

/** The stacks of every input, all of one kind. */
type Inputs =
  | { readonly kind: 'cloudformation'; readonly stacks: StackDocument[] }
  | { readonly kind: 'terraform'; readonly stacks: TerraformStackDocument[] };

/**
 * The stacks of every input: cloud assemblies and cdktf outputs (directories), template
 * and Terraform JSON files, each of the kind its content shows; CloudFormation and
 * Terraform in one run are refused.
 */
async function readInputs(inputs: readonly string[], region: string | undefined): Promise<Inputs> {
  const cfn: StackDocument[] = [];
  const tf: TerraformStackDocument[] = [];
  /** The first input of each kind, for the message that refuses a mix. */
  const firstOf: { cloudformation?: string; terraform?: string } = {};
  let files = 0;
  for (const input of inputs) {
    const info = await stat(input).catch((err: unknown) => fail(`cannot read ${input}: ${describeFsError(err)}`, err));
    if (info.isDirectory()) {
      const dir = await readDirectory(input);
      if (dir.kind === 'terraform') tf.push(...dir.stacks);
      else cfn.push(...dir.stacks);
      firstOf[dir.kind] ??= input;
    } else {
      const file = await readDocumentFile(input);
      if (file.kind === 'terraform') {
        tf.push({ name: terraformStackNameOf(input), document: file.document, path: input });
      } else {
        files++;
        cfn.push({ stackName: stackNameOf(input), template: file.template, region, templatePath: input });
      }
      firstOf[file.kind] ??= input;
    }
    if (firstOf.cloudformation !== undefined && firstOf.terraform !== undefined) {
      fail(`cannot audit CloudFormation and Terraform in one run: ${firstOf.cloudformation} is CloudFormation, ${firstOf.terraform} is Terraform JSON; run sovereign-ml residency once for each`);
    }
  }
  if (region !== undefined && tf.length > 0) {
    fail('--region applies to CloudFormation template files only; Terraform documents name their regions in their provider blocks');
  }
  if (region !== undefined && files === 0) {
    fail('--region applies to template files only; the stacks of a cloud assembly carry their own environment');
  }
  const named = [...cfn.map((s) => ({ name: s.stackName, file: s.templatePath })), ...tf.map((s) => ({ name: s.name, file: s.path }))];
  const seen = new Map<string, string | undefined>();
  for (const s of named) {
    if (seen.has(s.name)) {
      fail(`stack name ${JSON.stringify(s.name)} is used by both ${seen.get(s.name)} and ${s.file}; stack names must be unique`);
    }
    seen.set(s.name, s.file);
  }
  return tf.length > 0 ? { kind: 'terraform', stacks: tf } : { kind: 'cloudformation', stacks: cfn };
}

/**
 * The stacks of a directory: a cloud assembly (a manifest.json with `artifacts`), or a
 * cdktf output (a manifest.json with `stacks`, or without a manifest a `stacks` folder).
 */
async function readDirectory(dir: string): Promise<Inputs> {
  const manifestPath = path.join(dir, 'manifest.json');
  if (await statIfExists(manifestPath)) {
    const manifest = await readJsonFile(manifestPath, 'manifest');
    if (isCdktfManifest(manifest)) {
      const stacks = await readCdktfOutput(dir, manifest);
      if (stacks.length === 0) fail(`cdktf output ${dir} has no stacks: manifest ${manifestPath} lists none`);
      return { kind: 'terraform', stacks };
    }
    const stacks = await readCloudAssembly(dir, manifest);
    if (stacks.length === 0) fail(`cloud assembly ${dir} has no CloudFormation stacks`);
    return { kind: 'cloudformation', stacks };
  }
  if ((await statIfExists(path.join(dir, 'stacks')))?.isDirectory()) {
    const stacks = await readCdktfOutput(dir);
    if (stacks.length === 0) fail(`cdktf output ${dir} has no stacks: ${path.join(dir, 'stacks')} holds no stack folders`);
    return { kind: 'terraform', stacks };
  }
  fail(`directory ${dir} is not a cloud assembly or a cdktf output: it has no manifest.json and no stacks folder (run cdk synth or cdktf synth, or pass template or Terraform JSON files)`);
}

/** A path's file information, or undefined when nothing is there. */
async function statIfExists(file: string): Promise<Stats | undefined> {
  try {
    return await stat(file);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return undefined;
    fail(`cannot read ${file}: ${describeFsError(err)}`, err);
  }
}

/** The folder name for `cdk.tf.json`, else the file name without `.tf.json` or `.json`. */
function terraformStackNameOf(file: string): string {
  const base = path.basename(file);
  if (base === 'cdk.tf.json') return path.basename(path.dirname(path.resolve(file)));
  return base.replace(/\.tf\.json$|\.json$/i, '');
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
 * indented below, then a summary line naming the boundary and any per-class boundaries.
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
  const perClass = perClassBoundaries(audit).map(([c, b]) => `; ${c} data: ${b.describe()}`).join('');
  lines.push(`residency: ${violations} violation${violations === 1 ? '' : 's'}, ${infos} info in ${n} stack${n === 1 ? '' : 's'} (boundary ${audit.policy.boundary.describe()}${perClass})`);
  return `${lines.join('\n')}\n`;
}

function fail(message: string, cause?: unknown): never {
  throw new SovereignMlError(ErrorCode.INVALID_PROPS, message, cause === undefined ? {} : { cause });
}
