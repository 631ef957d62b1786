import { audit, findingsOf, problems, stackDoc } from '../../../support/residency';

const model = (image: unknown) => ({
  M: { Type: 'AWS::SageMaker::Model', Properties: { ExecutionRoleArn: 'arn:aws:iam::111111111111:role/r', PrimaryContainer: { Image: image, ModelDataUrl: { 'Fn::Sub': 's3://${B}/m.tar.gz' } } } },
  B: { Type: 'AWS::S3::Bucket' },
});

describe('RES-IMAGE-REGION', () => {
  test('compliant: the Triton image from the ap-east-1 registry (AWS docs: 871362719292)', () => {
    expect(problems(audit(stackDoc(model('871362719292.dkr.ecr.ap-east-1.amazonaws.com/sagemaker-tritonserver:24.09-py3'))))).toEqual([]);
  });

  test('violating: the Triton image from us-east-1', () => {
    const result = audit(stackDoc(model('785573368785.dkr.ecr.us-east-1.amazonaws.com/sagemaker-tritonserver:24.09-py3')));
    expect(findingsOf(result, 'RES-IMAGE-REGION')).toEqual([expect.objectContaining({ logicalId: 'M', propertyPath: 'Properties.PrimaryContainer.Image' })]);
    // The generic host scan does not report the same property again.
    expect(findingsOf(result, 'RES-ENDPOINT-HOST')).toEqual([]);
  });

  test('a Lambda image built as a CDK asset in the stack region is compliant', () => {
    const fn = { F: { Type: 'AWS::Lambda::Function', Properties: { PackageType: 'Image', Code: { ImageUri: { 'Fn::Sub': '${AWS::AccountId}.dkr.ecr.${AWS::Region}.${AWS::URLSuffix}/cdk-hnb659fds-container-assets-${AWS::AccountId}-${AWS::Region}:abc' } } } } };
    expect(problems(audit(stackDoc(fn)))).toEqual([]);
  });

  test('an image outside ECR fails closed', () => {
    const f = findingsOf(audit(stackDoc(model('docker.io/library/triton:latest'))), 'RES-UNKNOWN-LOCATION');
    expect(f).toEqual([expect.objectContaining({ propertyPath: 'Properties.PrimaryContainer.Image' })]);
  });

  test('each container of a multi-container model is checked', () => {
    const m = { M: { Type: 'AWS::SageMaker::Model', Properties: { Containers: [{ Image: '871362719292.dkr.ecr.ap-east-1.amazonaws.com/a:1' }, { Image: '763104351884.dkr.ecr.ap-southeast-1.amazonaws.com/b:1' }] } } };
    expect(findingsOf(audit(stackDoc(m)), 'RES-IMAGE-REGION').map((f) => f.propertyPath)).toEqual(['Properties.Containers.1.Image']);
  });
});
