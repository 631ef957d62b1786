/**
 * The per-stack Lambda function behind every model upload custom resource, with a role
 * that each upload extends by exactly its own source and destination objects.
 */
import { Duration, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { DataClass } from '../../../lib/residency/data-class';
import { bundledCode } from './bundle';
import { classifyData } from './classify';

const ID = 'SovereignMlModelUpload';

/** The shared upload function of a stack. */
export class ModelUploadProvider extends Construct {
  /** The provider of `scope`'s stack, created on first use. */
  public static of(scope: Construct): ModelUploadProvider {
    const stack = Stack.of(scope);
    return (stack.node.tryFindChild(ID) as ModelUploadProvider | undefined) ?? new ModelUploadProvider(stack, ID);
  }

  public readonly function: lambda.Function;
  public readonly role: iam.Role;

  private constructor(scope: Construct, id: string) {
    super(scope, id);
    const logGroup = new logs.LogGroup(this, 'Logs', { retention: logs.RetentionDays.ONE_YEAR });
    this.role = new iam.Role(this, 'Role', {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: 'sovereign-ml model upload: copies registered model files into their registry keys',
    });
    this.role.addToPolicy(new iam.PolicyStatement({
      actions: ['logs:CreateLogStream', 'logs:PutLogEvents'],
      resources: [`${logGroup.logGroupArn}`],
    }));
    this.function = new lambda.Function(this, 'Function', {
      runtime: lambda.Runtime.NODEJS_24_X,
      architecture: lambda.Architecture.ARM_64,
      handler: 'index.handler',
      code: bundledCode('lambda/model-upload/index.ts'),
      role: this.role,
      logGroup,
      memorySize: 256,
      timeout: Duration.minutes(15),
      description: 'sovereign-ml: copy a model into the registry and verify its SHA-256',
    });
    classifyData(this, DataClass.MODEL_ARTIFACT);
  }
}
