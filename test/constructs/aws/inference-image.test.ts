import { App, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as ecr from 'aws-cdk-lib/aws-ecr';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import { ErrorCode, InferenceImage } from '../../../constructs';
import { allRegions, type ImageFamily } from '../../../lib/regions';
import { errorOf } from '../../support/errors';

const ACCOUNT = '111111111111';

/** A stack in `region` (or environment-agnostic), an execution role, and a construct to bind under. */
function binding(region?: string) {
  const app = new App();
  const stack = new Stack(app, 'S', region ? { env: { account: ACCOUNT, region } } : {});
  const role = new iam.Role(stack, 'Role', { assumedBy: new iam.ServicePrincipal('sagemaker.amazonaws.com') });
  const scope = new Construct(stack, 'Model');
  return { stack, role, scope };
}

interface Statement {
  readonly Effect: string;
  readonly Action: string | string[];
  readonly Resource: unknown;
}

function statementsOf(stack: Stack): Statement[] {
  const policies = Template.fromStack(stack).findResources('AWS::IAM::Policy');
  return Object.values(policies).flatMap((p) => p.Properties.PolicyDocument.Statement as Statement[]);
}

const repositoryArn = (region: string, account: string, repository: string) =>
  ({ 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, `:ecr:${region}:${account}:repository/${repository}`]] });

const PULL = ['ecr:BatchCheckLayerAvailability', 'ecr:BatchGetImage', 'ecr:GetDownloadUrlForLayer'];

describe('InferenceImage prebuilt images', () => {
  // Registry accounts from "Docker Registry Paths and Example Code" in the SageMaker developer guide
  // and the AWS Deep Learning Containers "available images" list.
  test.each([
    ['triton', 'ap-east-1', () => InferenceImage.triton('24.09'), '871362719292.dkr.ecr.ap-east-1.amazonaws.com/sagemaker-tritonserver:24.09-py3', 'triton'],
    ['sklearn', 'ap-east-1', () => InferenceImage.sklearn('1.2-1'), '651117190479.dkr.ecr.ap-east-1.amazonaws.com/sagemaker-scikit-learn:1.2-1-cpu-py3', 'sklearn'],
    ['pytorch', 'ap-east-1', () => InferenceImage.pytorch('2.3.0-cpu-py311'), '871362719292.dkr.ecr.ap-east-1.amazonaws.com/pytorch-inference:2.3.0-cpu-py311', 'deep-learning'],
    ['triton', 'us-east-1', () => InferenceImage.triton('24.09'), '763104351884.dkr.ecr.us-east-1.amazonaws.com/sagemaker-tritonserver:24.09-py3', 'triton'],
    ['sklearn', 'us-east-1', () => InferenceImage.sklearn('1.2-1'), '683313688378.dkr.ecr.us-east-1.amazonaws.com/sagemaker-scikit-learn:1.2-1-cpu-py3', 'sklearn'],
    ['sklearn', 'eu-west-1', () => InferenceImage.sklearn('1.2-1'), '141502667606.dkr.ecr.eu-west-1.amazonaws.com/sagemaker-scikit-learn:1.2-1-cpu-py3', 'sklearn'],
    ['sklearn', 'ap-southeast-1', () => InferenceImage.sklearn('1.2-1'), '121021644041.dkr.ecr.ap-southeast-1.amazonaws.com/sagemaker-scikit-learn:1.2-1-cpu-py3', 'sklearn'],
    ['pytorch', 'cn-north-1', () => InferenceImage.pytorch('2.3.0-cpu-py311'), '727897471807.dkr.ecr.cn-north-1.amazonaws.com.cn/pytorch-inference:2.3.0-cpu-py311', 'deep-learning'],
    ['triton', 'cn-north-1', () => InferenceImage.triton('24.09'), '727897471807.dkr.ecr.cn-north-1.amazonaws.com.cn/sagemaker-tritonserver:24.09-py3', 'triton'],
    ['sklearn', 'cn-northwest-1', () => InferenceImage.sklearn('1.2-1'), '451049120500.dkr.ecr.cn-northwest-1.amazonaws.com.cn/sagemaker-scikit-learn:1.2-1-cpu-py3', 'sklearn'],
  ])('%s in %s is %s', (_name, region, image, uri, family) => {
    const { role, scope } = binding(region);
    expect(image().bind(scope, role)).toEqual({ imageUri: uri, family });
  });

  test.each([
    ['ap-east-1', () => InferenceImage.triton('24.09'), '871362719292', 'sagemaker-tritonserver'],
    ['cn-north-1', () => InferenceImage.pytorch('2.3.0-cpu-py311'), '727897471807', 'pytorch-inference'],
    ['ap-east-1', () => InferenceImage.sklearn('1.2-1'), '651117190479', 'sagemaker-scikit-learn'],
  ])('in %s the role may pull from exactly the image repository, and get a token', (region, image, account, repository) => {
    const { stack, role, scope } = binding(region);
    image().bind(scope, role);
    const statements = statementsOf(stack);
    const pull = statements.filter((s) => ([] as string[]).concat(s.Action).some((a) => PULL.includes(a)));
    expect(pull).toHaveLength(1);
    expect([...([] as string[]).concat(pull[0]!.Action)].sort()).toEqual(PULL);
    expect(pull[0]!.Resource).toEqual(repositoryArn(region, account, repository));
    // GetAuthorizationToken has no resource-level permissions (Service Authorization Reference, Amazon ECR).
    expect(statements.filter((s) => s.Action === 'ecr:GetAuthorizationToken')).toEqual([{ Effect: 'Allow', Action: 'ecr:GetAuthorizationToken', Resource: '*' }]);
    expect(statements).toHaveLength(2);
  });
});

describe('InferenceImage.fromEcrRepository', () => {
  test('uses the repository URI with the tag and grants pull on that repository only', () => {
    const { stack, role, scope } = binding('ap-east-1');
    const repo = ecr.Repository.fromRepositoryName(stack, 'Repo', 'fraud-server');
    const bound = InferenceImage.fromEcrRepository(repo, 'v7').bind(scope, role);
    expect(stack.resolve(bound.imageUri)).toEqual({ 'Fn::Join': ['', [`${ACCOUNT}.dkr.ecr.ap-east-1.`, { Ref: 'AWS::URLSuffix' }, '/fraud-server:v7']] });
    expect(bound.family).toBeUndefined();
    const statements = statementsOf(stack);
    const pull = statements.filter((s) => ([] as string[]).concat(s.Action).some((a) => PULL.includes(a)));
    expect(pull).toHaveLength(1);
    expect([...([] as string[]).concat(pull[0]!.Action)].sort()).toEqual(PULL);
    expect(pull[0]!.Resource).toEqual(repositoryArn('ap-east-1', ACCOUNT, 'fraud-server'));
    expect(statements.flatMap((s) => ([] as string[]).concat(s.Action)).sort()).toEqual([...PULL, 'ecr:GetAuthorizationToken'].sort());
  });

  test('defaults to the latest tag', () => {
    const { stack, role, scope } = binding('ap-east-1');
    const repo = new ecr.Repository(stack, 'Own');
    const uri = JSON.stringify(stack.resolve(InferenceImage.fromEcrRepository(repo).bind(scope, role).imageUri));
    expect(uri).toMatch(/:latest"\]\]\}$/);
    Template.fromStack(stack).hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({ Resource: stack.resolve(repo.repositoryArn) })]) },
    });
  });
});

describe('InferenceImage.fromImageUri', () => {
  test('passes the URI through and grants nothing', () => {
    const { stack, role, scope } = binding('ap-east-1');
    const uri = '123456789012.dkr.ecr.ap-east-1.amazonaws.com/mine:1';
    expect(InferenceImage.fromImageUri(uri).bind(scope, role)).toEqual({ imageUri: uri });
    Template.fromStack(stack).resourceCountIs('AWS::IAM::Policy', 0);
  });

  test('needs no region', () => {
    const { role, scope } = binding();
    expect(InferenceImage.fromImageUri('public.ecr.aws/x/y:1').bind(scope, role).imageUri).toBe('public.ecr.aws/x/y:1');
  });
});

describe('InferenceImage failures', () => {
  test.each([
    ['triton', () => InferenceImage.triton('24.09'), "InferenceImage.triton('24.09')"],
    ['sklearn', () => InferenceImage.sklearn('1.2-1'), "InferenceImage.sklearn('1.2-1')"],
    ['pytorch', () => InferenceImage.pytorch('2.3.0-cpu-py311'), "InferenceImage.pytorch('2.3.0-cpu-py311')"],
  ])('fails when %s is bound in an environment-agnostic stack', (_name, image, phrase) => {
    const { role, scope } = binding();
    const e = errorOf(() => image().bind(scope, role));
    expect(e.code).toBe(ErrorCode.REGION_UNRESOLVED);
    expect(e.message).toContain(`${phrase} needs a stack with a concrete region`);
    expect(e.constructPath).toBe('S/Model');
  });

  test.each([
    ['triton' as ImageFamily, () => InferenceImage.triton('24.09')],
    ['sklearn' as ImageFamily, () => InferenceImage.sklearn('1.2-1')],
  ])('fails when %s is not published in the region', (family, image) => {
    const missing = allRegions().find((r) => r.partition === 'aws' && r.imageAccounts[family] === undefined);
    expect(missing).toBeDefined();
    const { role, scope } = binding(missing!.name);
    const e = errorOf(() => image().bind(scope, role));
    expect(e.code).toBe(ErrorCode.IMAGE_NOT_IN_REGION);
    expect(e.message).toContain(`SageMaker ${family} images are not published in ${missing!.name}`);
    expect(e.message).toContain('ap-east-1');
    expect(e.constructPath).toBe('S/Model');
  });

  test('fails when the region is not a known AWS region', () => {
    const { role, scope } = binding('ap-east-9');
    const e = errorOf(() => InferenceImage.triton('24.09').bind(scope, role));
    expect(e.code).toBe(ErrorCode.REGION_UNKNOWN);
    expect(e.message).toContain('"ap-east-9"');
    expect(e.constructPath).toBe('S/Model');
  });

  test.each([
    ['has a space', () => InferenceImage.triton('24.09 beta'), '"24.09 beta"'],
    ['is empty', () => InferenceImage.pytorch(''), '""'],
    ['has a slash', () => InferenceImage.sklearn('1.2/1'), '"1.2/1"'],
  ])('fails when the version %s', (_name, image, got) => {
    const { role, scope } = binding('ap-east-1');
    const e = errorOf(() => image().bind(scope, role));
    expect(e.code).toBe(ErrorCode.INVALID_PROPS);
    expect(e.message).toContain(`image version ${got} does not make a valid image tag`);
  });
});
