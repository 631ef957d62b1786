/**
 * Reading the CloudFormation stacks of a cloud assembly (a `cdk.out` directory) without
 * the CDK: its `manifest.json` lists stack artifacts with their template file and
 * environment, and nested assemblies (CDK stages) in sub-directories.
 *
 * @see https://github.com/aws/aws-cdk-cli/tree/main/packages/%40aws-cdk/cloud-assembly-schema
 */
import { realpath } from 'node:fs/promises';
import * as path from 'node:path';
import { ErrorCode, SovereignMlError } from '../errors';
import type { StackDocument } from '../residency/template';
import { describeFsError, readJsonFile, readTemplateFile } from './template-file';

/** The manifest artifact type of a CloudFormation stack. */
const STACK_ARTIFACT = 'aws:cloudformation:stack';
/** The manifest artifact type of a nested assembly (a CDK stage). */
const NESTED_ASSEMBLY_ARTIFACT = 'cdk:cloud-assembly';

/** The part of a manifest artifact this reader uses. */
interface ArtifactJson {
  readonly type?: unknown;
  readonly environment?: unknown;
  readonly displayName?: unknown;
  readonly properties?: { readonly templateFile?: unknown; readonly directoryName?: unknown };
}

/**
 * The stacks of the cloud assembly in `dir`, nested assemblies included. A stack's name
 * is its artifact id, its construct path the artifact's display name, and its region and
 * account come from the artifact's environment (`aws://<account>/<region>`, where
 * `unknown-account` and `unknown-region` leave them unknown).
 * @param manifest the parsed `dir/manifest.json`, when the caller has read it already;
 * read here when absent (nested assemblies' manifests are always read here)
 * @throws SovereignMlError INVALID_PROPS naming the file when the directory has no
 * manifest.json, or a manifest or template is unreadable or malformed
 */
export async function readCloudAssembly(dir: string, manifest?: unknown): Promise<StackDocument[]> {
  return readAssembly(dir, new Set(), manifest);
}

async function readAssembly(dir: string, visited: Set<string>, parsed?: unknown): Promise<StackDocument[]> {
  const manifestPath = path.join(dir, 'manifest.json');
  const real = await realpath(manifestPath).catch((err: unknown) => {
    throw new SovereignMlError(ErrorCode.INVALID_PROPS,
      `directory ${dir} is not a cloud assembly: cannot read ${manifestPath}: ${describeFsError(err)} (run cdk synth, or pass template files)`, { cause: err });
  });
  if (visited.has(real)) return [];
  visited.add(real);
  const manifest = parsed === undefined ? await readJsonFile(manifestPath, 'manifest') : parsed;
  const artifacts = isRecord(manifest) ? manifest.artifacts : undefined;
  if (!isRecord(manifest) || (artifacts !== undefined && !isRecord(artifacts))) {
    throw new SovereignMlError(ErrorCode.INVALID_PROPS, `manifest ${manifestPath} is not a cloud assembly manifest: expected an object with an "artifacts" object`);
  }
  const out: StackDocument[] = [];
  for (const [id, value] of Object.entries(artifacts ?? {}).sort(([a], [b]) => compareStrings(a, b))) {
    if (!isRecord(value)) continue;
    const artifact = value as ArtifactJson;
    if (artifact.type === STACK_ARTIFACT) {
      out.push(await readStack(dir, manifestPath, id, artifact));
    } else if (artifact.type === NESTED_ASSEMBLY_ARTIFACT) {
      const sub = artifact.properties?.directoryName;
      if (typeof sub !== 'string' || sub === '') {
        throw new SovereignMlError(ErrorCode.INVALID_PROPS, `manifest ${manifestPath} artifacts.${id}.properties.directoryName must be a directory name, got ${JSON.stringify(sub)}`);
      }
      out.push(...await readAssembly(path.join(dir, sub), visited));
    }
  }
  return out;
}

async function readStack(dir: string, manifestPath: string, id: string, artifact: ArtifactJson): Promise<StackDocument> {
  const templateFile = artifact.properties?.templateFile;
  if (typeof templateFile !== 'string' || templateFile === '') {
    throw new SovereignMlError(ErrorCode.INVALID_PROPS, `manifest ${manifestPath} artifacts.${id}.properties.templateFile must be a file name, got ${JSON.stringify(templateFile)}`);
  }
  const templatePath = path.join(dir, templateFile);
  const { account, region } = parseEnvironment(artifact.environment, `manifest ${manifestPath} artifacts.${id}.environment`);
  return {
    stackName: id,
    template: await readTemplateFile(templatePath),
    region,
    account,
    templatePath,
    constructPath: typeof artifact.displayName === 'string' && artifact.displayName ? artifact.displayName : id,
  };
}

/** `aws://<account>/<region>`; the `unknown-*` placeholders of environment-agnostic stacks mean unknown. */
function parseEnvironment(env: unknown, where: string): { account?: string; region?: string } {
  if (env === undefined) return {};
  const m = typeof env === 'string' ? /^aws:\/\/([^/]+)\/([^/]+)$/.exec(env) : null;
  if (!m) throw new SovereignMlError(ErrorCode.INVALID_PROPS, `${where} must be "aws://<account>/<region>", got ${JSON.stringify(env)}`);
  return {
    account: m[1] === 'unknown-account' ? undefined : m[1],
    region: m[2] === 'unknown-region' ? undefined : m[2],
  };
}

/** Whether a parsed JSON value is an object (not null, not an array). */
export function isRecord(x: unknown): x is Record<string, unknown> {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}

/** Strings in code-unit order, the same on every machine (no locale). */
export function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
