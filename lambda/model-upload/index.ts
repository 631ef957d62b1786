/**
 * Lambda adapter of the model-upload custom resource: runs {@link copyModel} and reports
 * the outcome to CloudFormation through the pre-signed response URL.
 */
import { S3Client } from '@aws-sdk/client-s3';
import { copyModel, type CopyModelEvent } from './copy-model';

/** The CloudFormation custom resource event fields the adapter needs. */
export interface CustomResourceEvent extends CopyModelEvent {
  readonly ResponseURL: string;
  readonly StackId: string;
  readonly RequestId: string;
  readonly LogicalResourceId: string;
}

const s3 = new S3Client({});

/** Lambda entry point. */
export async function handler(event: CustomResourceEvent): Promise<void> {
  let body: Record<string, unknown>;
  try {
    const result = await copyModel(event, s3);
    body = { Status: 'SUCCESS', PhysicalResourceId: result.PhysicalResourceId, Data: result.Data };
    console.log(JSON.stringify({ level: 'INFO', message: 'model copied', requestType: event.RequestType, ...result }));
  } catch (e) {
    const reason = e instanceof Error ? `${e.name}: ${e.message}` : String(e);
    console.error(JSON.stringify({ level: 'ERROR', message: 'model copy failed', requestType: event.RequestType, reason }));
    body = {
      Status: 'FAILED',
      Reason: reason.slice(0, 3000),
      // A failed Create has no resource yet; keep the id CloudFormation sent otherwise.
      PhysicalResourceId: event.PhysicalResourceId ?? `failed-${event.RequestId}`,
    };
  }
  await respond(event, body);
}

async function respond(event: CustomResourceEvent, body: Record<string, unknown>): Promise<void> {
  const payload = JSON.stringify({ ...body, StackId: event.StackId, RequestId: event.RequestId, LogicalResourceId: event.LogicalResourceId });
  const res = await fetch(event.ResponseURL, {
    method: 'PUT',
    headers: { 'content-type': '', 'content-length': String(Buffer.byteLength(payload)) },
    body: payload,
  });
  if (!res.ok) {
    throw new Error(`CloudFormation response rejected with HTTP ${res.status}`);
  }
}
