/**
 * Writes the residency annotations of the Terraform JSON contract
 * (`"//": { "sovereign-ml": { dataClasses, flows } }` on a resource) that
 * lib/residency reads from synthesized Terraform documents.
 */
import type { DataClass } from '../../../lib/residency/data-class';
import type { TerraformFlowKind } from '../../../lib/residency/terraform/terraform-document';
import type { TerraformElement } from './cdktf';

/** A data flow declared on a resource, as the contract spells it. */
export interface FlowAnnotation {
  /** What flows: `model` (a model pull), `metrics` (aggregate metrics), `logs`, `s3`, `endpoint`. */
  readonly kind: TerraformFlowKind;
  /** `in`: data comes from `target` to the resource; `out`: the resource sends data to `target`. */
  readonly direction: 'in' | 'out';
  /** A Terraform reference (`${aws_s3_bucket.x.arn}`) or a location string (`region:ap-east-1`). */
  readonly target: string;
  readonly dataClasses: readonly DataClass[];
  readonly description: string;
}

interface Annotation {
  dataClasses: DataClass[];
  flows: FlowAnnotation[];
}

const annotations = new WeakMap<TerraformElement, Annotation>();

/** Adds data classes to a resource's annotation. */
export function classifyResource(element: TerraformElement, ...classes: DataClass[]): void {
  const a = annotationOf(element);
  for (const c of classes) if (!a.dataClasses.includes(c)) a.dataClasses.push(c);
  write(element, a);
}

/** Adds a declared flow to a resource's annotation. */
export function declareResourceFlow(element: TerraformElement, flow: FlowAnnotation): void {
  const a = annotationOf(element);
  a.flows.push(flow);
  write(element, a);
}

function annotationOf(element: TerraformElement): Annotation {
  let a = annotations.get(element);
  if (!a) {
    a = { dataClasses: [], flows: [] };
    annotations.set(element, a);
  }
  return a;
}

function write(element: TerraformElement, a: Annotation): void {
  // One override holding the whole annotation: later calls replace it, never half-merge.
  element.addOverride('//.sovereign-ml', {
    ...(a.dataClasses.length > 0 ? { dataClasses: [...a.dataClasses] } : {}),
    ...(a.flows.length > 0 ? { flows: a.flows.map((f) => ({ ...f, dataClasses: [...f.dataClasses] })) } : {}),
  });
}

