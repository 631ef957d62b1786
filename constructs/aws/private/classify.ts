import { Aspects, CfnResource, type IAspect } from 'aws-cdk-lib';
import type { IConstruct } from 'constructs';
import { DATA_CLASSES_METADATA_KEY, type DataClass } from '../../../lib/residency/data-class';

/**
 * Records data classes as `Metadata: { "sovereign-ml:dataClasses": [...] }` on every
 * CloudFormation resource under a construct, merging with classes already there.
 */
class ClassifyAspect implements IAspect {
  public constructor(private readonly classes: readonly DataClass[]) {}

  public visit(node: IConstruct): void {
    if (!CfnResource.isCfnResource(node)) return;
    const existing = node.getMetadata(DATA_CLASSES_METADATA_KEY);
    const merged = new Set<string>([...(Array.isArray(existing) ? existing : []), ...this.classes]);
    node.addMetadata(DATA_CLASSES_METADATA_KEY, [...merged].sort());
  }
}

/** Marks every resource under `scope` with `classes`. */
export function classifyData(scope: IConstruct, ...classes: DataClass[]): void {
  Aspects.of(scope).add(new ClassifyAspect(classes));
}
