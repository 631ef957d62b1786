/** The statements every sovereign-ml bucket policy starts with: no request without TLS 1.2 or later. */

/** Denies every request to the bucket and its objects without TLS, or with TLS older than 1.2. */
export function tlsOnlyStatements(bucketArn: string): Array<Record<string, unknown>> {
  const resources = [bucketArn, `${bucketArn}/*`];
  return [
    { Sid: 'DenyInsecureTransport', Effect: 'Deny', Principal: '*', Action: 's3:*', Resource: resources, Condition: { Bool: { 'aws:SecureTransport': 'false' } } },
    { Sid: 'DenyOutdatedTls', Effect: 'Deny', Principal: '*', Action: 's3:*', Resource: resources, Condition: { NumericLessThan: { 's3:TlsVersion': '1.2' } } },
  ];
}

/** A bucket policy of {@link tlsOnlyStatements} followed by `statements`, as JSON. */
export function tlsOnlyPolicy(bucketArn: string, ...statements: Array<Record<string, unknown>>): string {
  return JSON.stringify({ Version: '2012-10-17', Statement: [...tlsOnlyStatements(bucketArn), ...statements] });
}
