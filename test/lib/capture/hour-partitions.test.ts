import { hourPartition, hourPartitions } from '../../../lib/capture';

describe('hourPartitions', () => {
  test.each([
    ['2026-11-24T10:00:00.000Z', 60, ['2026/11/24/09/']],
    ['2026-11-24T10:00:00.001Z', 60, ['2026/11/24/09/', '2026/11/24/10/']],
    ['2026-11-24T10:59:59.999Z', 5, ['2026/11/24/10/']],
    // Year and month roll over; 2028 is a leap year.
    ['2027-01-01T01:00:00.000Z', 120, ['2026/12/31/23/', '2027/01/01/00/']],
    ['2028-03-01T00:30:00.000Z', 60, ['2028/02/29/23/', '2028/03/01/00/']],
  ] as const)('a window ending %s of %i minutes covers %j', (end, minutes, expected) => {
    expect(hourPartitions(new Date(end), minutes)).toEqual(expected);
  });

  test('partitions are UTC whatever the local time zone of the instant\'s text', () => {
    expect(hourPartition(new Date('2026-11-24T08:15:00+08:00'))).toBe('2026/11/24/00/');
  });

  test.each([0, -60, 1.5])('fails when the window is %p minutes', (minutes) => {
    expect(() => hourPartitions(new Date('2026-11-24T10:00:00Z'), minutes)).toThrow(`windowMinutes must be a positive integer, got ${minutes}`);
  });

  test('fails on an invalid date', () => {
    expect(() => hourPartitions(new Date('nope'), 60)).toThrow('windowEnd must be a valid date');
  });
});
