/**
 * Hour partitions of capture: Firehose's default timestamp prefix, SageMaker data capture
 * and the on-prem server's capture directory all file records under `YYYY/MM/DD/HH/`
 * (UTC hour of arrival), so a time window is read as the partitions covering it.
 * @see https://docs.aws.amazon.com/firehose/latest/dev/s3-prefixes.html
 */
import { ErrorCode, SovereignMlError } from '../errors';

const HOUR_MS = 3_600_000;

/**
 * The partitions `YYYY/MM/DD/HH/` covering `[windowEnd − windowMinutes, windowEnd)`, oldest
 * first. The window is widened to whole hours; an end on the hour does not touch the next.
 * @throws SovereignMlError INVALID_PROPS for a length that is not a positive integer or an invalid date
 */
export function hourPartitions(windowEnd: Date, windowMinutes: number): string[] {
  if (!Number.isInteger(windowMinutes) || windowMinutes <= 0) {
    throw new SovereignMlError(ErrorCode.INVALID_PROPS, `windowMinutes must be a positive integer, got ${windowMinutes}`);
  }
  if (Number.isNaN(windowEnd.getTime())) throw new SovereignMlError(ErrorCode.INVALID_PROPS, 'windowEnd must be a valid date, got an invalid date');
  const end = windowEnd.getTime();
  const first = Math.floor((end - windowMinutes * 60_000) / HOUR_MS) * HOUR_MS;
  const last = Math.floor((end - 1) / HOUR_MS) * HOUR_MS;
  const out: string[] = [];
  for (let t = first; t <= last; t += HOUR_MS) out.push(hourPartition(new Date(t)));
  return out;
}

/** The partition `YYYY/MM/DD/HH/` of an instant (UTC). */
export function hourPartition(time: Date): string {
  const p2 = (n: number) => String(n).padStart(2, '0');
  return `${time.getUTCFullYear()}/${p2(time.getUTCMonth() + 1)}/${p2(time.getUTCDate())}/${p2(time.getUTCHours())}/`;
}
