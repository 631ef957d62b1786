/**
 * Reading the JSON files the CLI audits: CloudFormation templates, Terraform JSON
 * documents and the manifests that list them. Every failure is a {@link SovereignMlError}
 * whose message names the file.
 */
import { readFile } from 'node:fs/promises';
import { ErrorCode, SovereignMlError } from '../errors';
import { EXTERNALS_METADATA_KEY } from '../residency/data-class';
import { Location } from '../residency/location';
import { isCfnTemplate, type CfnTemplateJson } from '../residency/template';

/** Top-level keys of which a Terraform JSON document has at least one: the blocks the reader handles. */
const TERRAFORM_KEYS = ['resource', 'data', 'module', 'provider', 'terraform'] as const;
const TERRAFORM_KEYS_TEXT = '"resource", "data", "module", "provider" or "terraform"';

/** A document file, of the kind its content shows. */
export type DocumentFile =
  | { readonly kind: 'cloudformation'; readonly template: CfnTemplateJson }
  | { readonly kind: 'terraform'; readonly document: unknown };

/**
 * Reads and parses a JSON file.
 * @param file the path, as it should appear in messages
 * @param what what the file is, for messages (`template`, `manifest`)
 * @throws SovereignMlError INVALID_PROPS when the file cannot be read or is not JSON
 */
export async function readJsonFile(file: string, what: string): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    throw new SovereignMlError(ErrorCode.INVALID_PROPS, `cannot read ${what} ${file}: ${describeFsError(err)}`, { cause: err });
  }
  try {
    return JSON.parse(text) as unknown;
  } catch (err) {
    throw new SovereignMlError(ErrorCode.INVALID_PROPS, `${what} ${file} is not valid JSON: ${oneLine(err)}`, { cause: err });
  }
}

/**
 * Reads a CloudFormation template file.
 * @throws SovereignMlError INVALID_PROPS when the file cannot be read, is not JSON, is
 * not a template (an object with a `Resources` object of resources with a `Type`), or
 * declares an external with a location that is not a location string
 */
export async function readTemplateFile(file: string): Promise<CfnTemplateJson> {
  const json = await readJsonFile(file, 'template');
  if (!isCfnTemplate(json)) {
    throw new SovereignMlError(ErrorCode.INVALID_PROPS,
      `template ${file} is not a CloudFormation template: expected a JSON object with a "Resources" object`);
  }
  return checkTemplate(json, file);
}

/**
 * Reads a Terraform JSON document (`cdk.tf.json`, `*.tf.json`). Its blocks are read (and
 * a malformed one reported, naming the stack and this file) once, by `auditTerraform`.
 * @throws SovereignMlError INVALID_PROPS when the file cannot be read, is not JSON, or has
 * none of the `resource`, `data`, `module`, `provider` and `terraform` blocks
 */
export async function readTerraformFile(file: string): Promise<unknown> {
  const json = await readJsonFile(file, 'Terraform document');
  if (!isTerraformJson(json)) {
    throw new SovereignMlError(ErrorCode.INVALID_PROPS,
      `Terraform document ${file} is not Terraform JSON: expected a JSON object with a ${TERRAFORM_KEYS_TEXT} object`);
  }
  return json;
}

/**
 * Reads a CloudFormation template or a Terraform JSON document, telling them apart by
 * content: a template has a `Resources` object; Terraform JSON has a `resource`, `data`,
 * `module`, `provider` or `terraform` object. A Terraform document's blocks are read
 * (and a malformed one reported) by `auditTerraform`, not here.
 * @throws SovereignMlError INVALID_PROPS when the file cannot be read, is not JSON, is
 * neither, or is a malformed template
 */
export async function readDocumentFile(file: string): Promise<DocumentFile> {
  const terraformName = /\.tf\.json$/i.test(file);
  const json = await readJsonFile(file, terraformName ? 'Terraform document' : 'template');
  if (isCfnTemplate(json)) return { kind: 'cloudformation', template: checkTemplate(json, file) };
  if (isTerraformJson(json)) return { kind: 'terraform', document: json };
  const expected = `a JSON object with a "Resources" object (CloudFormation) or a ${TERRAFORM_KEYS_TEXT} object (Terraform)`;
  throw new SovereignMlError(ErrorCode.INVALID_PROPS, terraformName
    ? `Terraform document ${file} is not Terraform JSON or a CloudFormation template: expected ${expected}`
    : `template ${file} is not a CloudFormation template or Terraform JSON: expected ${expected}`);
}

/** Whether a parsed JSON value looks like a Terraform JSON document. */
function isTerraformJson(json: unknown): boolean {
  return typeof json === 'object' && json !== null && !Array.isArray(json) && TERRAFORM_KEYS.some((k) => Object.hasOwn(json, k));
}

/** A template's resources have a `Type`, and its declared externals valid locations. */
function checkTemplate(json: CfnTemplateJson, file: string): CfnTemplateJson {
  for (const [id, resource] of Object.entries(json.Resources ?? {})) {
    if (typeof resource !== 'object' || resource === null || typeof (resource as { Type?: unknown }).Type !== 'string') {
      throw new SovereignMlError(ErrorCode.INVALID_PROPS, `template ${file} Resources.${id} must be an object with a string "Type"`);
    }
  }
  checkExternals(json, file);
  return json;
}

/**
 * The engine trusts the externals recorded by `DataResidency.declareExternal`; a
 * hand-edited template gets a message naming the file instead of a failure mid-audit.
 */
function checkExternals(template: CfnTemplateJson, file: string): void {
  const declared = template.Metadata?.[EXTERNALS_METADATA_KEY];
  if (declared === undefined) return;
  const where = `template ${file} Metadata.${EXTERNALS_METADATA_KEY}`;
  if (!Array.isArray(declared)) throw new SovereignMlError(ErrorCode.INVALID_PROPS, `${where} must be an array`);
  declared.forEach((ext: unknown, i) => {
    const location = (ext as { location?: unknown } | null)?.location;
    if (typeof location !== 'string') {
      throw new SovereignMlError(ErrorCode.INVALID_PROPS, `${where}[${i}].location must be a location string, got ${JSON.stringify(location)}`);
    }
    try {
      Location.parse(location);
    } catch (err) {
      if (!SovereignMlError.isSovereignMlError(err)) throw err;
      throw new SovereignMlError(ErrorCode.INVALID_PROPS, `${where}[${i}].location: ${err.detail}`, { cause: err });
    }
  });
}

/** A short reason for a file-system error: `no such file or directory`, `permission denied`, … */
export function describeFsError(err: unknown): string {
  switch ((err as NodeJS.ErrnoException | undefined)?.code) {
    case 'ENOENT': return 'no such file or directory';
    case 'EACCES': case 'EPERM': return 'permission denied';
    case 'EISDIR': return 'is a directory';
    case 'ENOTDIR': return 'a parent is not a directory';
    default: return oneLine(err);
  }
}

/** An error's message (or a value as text) on one line: line breaks and the blanks around them become one space. */
export function oneLine(err: unknown): string {
  return (err instanceof Error ? err.message : String(err)).replace(/\s*[\r\n]+\s*/g, ' ');
}
