import { App, Aspects, Stage, Stack, type IAspect } from 'aws-cdk-lib';
import { Validations } from 'aws-cdk-lib';
import type { IConstruct } from 'constructs';
import type { Boundary } from '../../lib/residency/boundary';
import { EXTERNALS_METADATA_KEY, isDataClass, type DataClass } from '../../lib/residency/data-class';
import type { Location } from '../../lib/residency/location';
import { classifyData } from './private/classify';
import { ErrorCode, fail } from './private/validate';
import { ResidencyChecks } from './residency-checks';
import { ResidencyGuards } from './private/residency-guards';

/** Options of {@link DataResidency.enforce}. */
export interface EnforceOptions {
  /** The boundary for all data, and for unclassified data. */
  readonly boundary: Boundary;
  /**
   * Boundaries for particular data classes, replacing `boundary` for data of that class
   * (for example `{ [DataClass.TELEMETRY]: Boundary.ANYWHERE }`).
   * @default - every class follows `boundary`
   */
  readonly dataClasses?: Partial<Record<DataClass, Boundary>>;
  /**
   * Add a CloudFormation `Rules` assertion to every stack, so that CloudFormation itself
   * refuses to deploy a template to a region outside the boundary.
   * @default true
   */
  readonly deployTimeGuard?: boolean;
  /**
   * Apply a managed policy as the permissions boundary of every IAM role in the app,
   * denying actions whose `aws:RequestedRegion` is outside the boundary (global services
   * exempt), so that even a compromised function cannot write data elsewhere.
   * @default false
   */
  readonly permissionsBoundary?: boolean;
  /**
   * Write `residency-report.json` and `residency-report.md` into the cloud assembly.
   * @default true
   */
  readonly report?: boolean;
}

/** Something outside the app whose location is known, for {@link DataResidency.declareExternal}. */
export interface ExternalResource {
  /** Name of an S3 bucket that is not part of the app. Give exactly one of bucketName, arn, url. */
  readonly bucketName?: string;
  /** An ARN, or an ARN prefix ending in `*`. */
  readonly arn?: string;
  /** A URL prefix, such as `https://hooks.partner.example.hk/`. */
  readonly url?: string;
  /** Where it is. */
  readonly location: Location;
  /**
   * Why the location is known (a contract, a data-processing agreement), for the report.
   * @default - none
   */
  readonly description?: string;
}

/**
 * Data residency as constraints: register the checker, classify data, declare what lies
 * outside the app.
 *
 * @example
 * DataResidency.enforce(app, { boundary: Boundary.HONG_KONG });
 * DataResidency.classify(claimsBucket, DataClass.PERSONAL);
 * DataResidency.declareExternal(stack, { bucketName: 'partner-drop', location: Location.region('ap-east-1') });
 */
export class DataResidency {
  /**
   * Checks every stack of `app` against the boundary at synth time (findings fail
   * `cdk synth` through CDK's validation report), and adds the deploy-time and,
   * optionally, run-time guards.
   */
  public static enforce(app: App | Stage, options: EnforceOptions): ResidencyChecks {
    if (!Stage.isStage(app)) {
      fail(app, ErrorCode.INVALID_PROPS, 'DataResidency.enforce needs an App or a Stage, the scope its validation plugins run in');
    }
    const policy = { boundary: options.boundary, dataClasses: options.dataClasses };
    const checks = new ResidencyChecks({ ...policy, report: options.report ?? true });
    Validations.of(app).addPlugins(checks);
    if ((options.deployTimeGuard ?? true) || options.permissionsBoundary) {
      Aspects.of(app).add(new ResidencyGuards(policy, {
        deployTimeGuard: options.deployTimeGuard ?? true,
        permissionsBoundary: options.permissionsBoundary ?? false,
      }) as IAspect);
    }
    return checks;
  }

  /** Marks every resource under `scope` as holding data of `classes`. */
  public static classify(scope: IConstruct, ...classes: DataClass[]): void {
    if (classes.length === 0) {
      fail(scope, ErrorCode.INVALID_PROPS, 'DataResidency.classify needs at least one data class');
    }
    classes.forEach((c, i) => {
      if (!isDataClass(c)) {
        fail(scope, ErrorCode.INVALID_PROPS, `classes[${i}] must be a DataClass, got ${JSON.stringify(c)}`);
      }
    });
    classifyData(scope, ...classes);
  }

  /**
   * Declares the location of a bucket, ARN or URL outside the app, so references to it
   * are placed there instead of failing closed as unknown. Recorded in the stack's
   * template metadata, so the audit CLI sees it too.
   */
  public static declareExternal(stack: Stack, external: ExternalResource): void {
    const given = (['bucketName', 'arn', 'url'] as const).filter((k) => external[k] !== undefined);
    if (given.length !== 1) {
      fail(stack, ErrorCode.INVALID_PROPS, `external must name exactly one of bucketName, arn, url, got ${given.length ? given.join(', ') : 'none'}`);
    }
    if (!external.location.isKnown) {
      fail(stack, ErrorCode.INVALID_PROPS, 'external.location must be a region or a site; declaring a location unknown proves nothing');
    }
    const key = given[0]!;
    const value = external[key]!;
    const metadata = { ...(stack.templateOptions.metadata ?? {}) };
    const list = [...((metadata[EXTERNALS_METADATA_KEY] as unknown[] | undefined) ?? [])];
    list.push({ [key]: value, location: external.location.toString(), ...(external.description ? { description: external.description } : {}) });
    metadata[EXTERNALS_METADATA_KEY] = list;
    stack.templateOptions.metadata = metadata;
  }

  private constructor() {}
}
