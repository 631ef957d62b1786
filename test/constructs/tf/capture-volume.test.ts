import { CaptureVolume, VolumeAccessMode } from '../../../constructs/tf';
import { ErrorCode } from '../../../lib/errors';
import { errorOf } from '../../support/errors';

describe('CaptureVolume', () => {
  test('a claim keeps the access modes it is given, once each', () => {
    const volume = CaptureVolume.persistentVolumeClaim('risk-capture', { accessModes: [VolumeAccessMode.READ_WRITE_MANY, VolumeAccessMode.READ_WRITE_MANY, VolumeAccessMode.READ_ONLY_MANY] });
    expect(volume.accessModes).toEqual(['ReadWriteMany', 'ReadOnlyMany']);
    expect(CaptureVolume.persistentVolumeClaim('risk-capture').accessModes).toBeUndefined();
    expect(CaptureVolume.hostPath('/srv/capture').accessModes).toBeUndefined();
  });

  test('a claim is mounted read-only unless a writer asks for it read-write', () => {
    const volume = CaptureVolume.persistentVolumeClaim('risk-capture');
    expect(volume._volumeSource()).toEqual({ persistentVolumeClaim: { claimName: 'risk-capture', readOnly: true } });
    expect(volume._volumeSource(true)).toEqual({ persistentVolumeClaim: { claimName: 'risk-capture', readOnly: false } });
  });

  test('fails when the claim name or an access mode is malformed', () => {
    expect(errorOf(() => CaptureVolume.persistentVolumeClaim('Risk_Capture')).message).toMatch(/capture claimName must be a Kubernetes object name.*got "Risk_Capture"/);
    const e = errorOf(() => CaptureVolume.persistentVolumeClaim('risk-capture', { accessModes: ['RWX' as VolumeAccessMode] }));
    expect(e.code).toBe(ErrorCode.INVALID_PROPS);
    expect(e.message).toBe('capture accessModes must list one or more of ReadWriteOnce, ReadOnlyMany, ReadWriteMany, ReadWriteOncePod, got "RWX"');
    expect(errorOf(() => CaptureVolume.persistentVolumeClaim('risk-capture', { accessModes: [] })).message).toMatch(/got an empty list$/);
  });
});
