import { checkTerraform } from '../../../../../lib/residency/terraform/check-terraform';
import { GBA_HYBRID, problems, res, tfDoc } from '../tf-docs';

const policy = { boundary: GBA_HYBRID };
const providers = { aws: [{ region: 'ap-east-1' }, { region: 'ap-southeast-1', alias: 'sg' }] };
const replicate = (destination: string, buckets: Record<string, Record<string, unknown>> = {}) => tfDoc(providers, {
  aws_s3_bucket: { source: res('source', { bucket: 'claims' }, { dataClasses: ['personal'] }), ...buckets },
  aws_s3_bucket_replication_configuration: {
    rep: res('rep', { bucket: '${aws_s3_bucket.source.id}', role: 'arn:aws:iam::111111111111:role/replication', rule: [{ id: 'all', status: 'Enabled', destination: { bucket: destination } }] }),
  },
});

describe('RES-S3-REPLICATION', () => {
  test.each([
    ['a destination bucket in ap-east-1 (same-Region replication)', '${aws_s3_bucket.replica.arn}', { replica: res('replica', { bucket: 'claims-replica' }) }, []],
    ['a destination bucket on the alias aws.sg (ap-southeast-1)', '${aws_s3_bucket.replica.arn}', { replica: res('replica', { bucket: 'claims-replica', provider: 'aws.sg' }) },
      ['RES-STACK-REGION aws_s3_bucket.replica provider', 'RES-S3-REPLICATION aws_s3_bucket_replication_configuration.rep rule.0.destination.bucket']],
    ['a destination bucket whose region argument is eu-west-1', '${aws_s3_bucket.replica.arn}', { replica: res('replica', { bucket: 'claims-replica', region: 'eu-west-1' }) },
      ['RES-STACK-REGION aws_s3_bucket.replica region', 'RES-S3-REPLICATION aws_s3_bucket_replication_configuration.rep rule.0.destination.bucket']],
    ['a destination given as a literal ARN of a bucket of the document', 'arn:aws:s3:::claims-replica', { replica: res('replica', { bucket: 'claims-replica', provider: 'aws.sg' }) },
      ['RES-STACK-REGION aws_s3_bucket.replica provider', 'RES-S3-REPLICATION aws_s3_bucket_replication_configuration.rep rule.0.destination.bucket']],
    ['a destination bucket outside the document', 'arn:aws:s3:::partner-drop', {}, ['RES-UNKNOWN-LOCATION aws_s3_bucket_replication_configuration.rep rule.0.destination.bucket']],
  ])('%s', (_name, destination, buckets, expected) => {
    // The alias aws.sg, when unused, is reported by RES-STACK-REGION (tested with that rule).
    expect(problems(checkTerraform(replicate(destination, buckets), policy)).filter((p) => !p.includes('provider.aws.sg'))).toEqual(expected);
  });

  test('the source bucket\'s classes are what is replicated', () => {
    const [f] = checkTerraform(replicate('${aws_s3_bucket.replica.arn}', { replica: res('replica', { provider: 'aws.sg' }) }), policy).filter((x) => x.ruleId === 'RES-S3-REPLICATION');
    expect(f!.dataClasses).toEqual(['personal']);
    expect(f!.message).toContain('moves personal data to ap-southeast-1');
  });
});
