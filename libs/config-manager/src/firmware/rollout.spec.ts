import { afterBoot, afterFirmwareStatus, decide, waveOf, type RolloutPolicy, type WaveCounts } from './rollout.js';

const waves: RolloutPolicy = { waveSize: 10, failureThresholdPct: 5, perChargerTimeoutS: 600 };
const concurrent: RolloutPolicy = { maxConcurrent: 3, failureThresholdPct: 50, perChargerTimeoutS: 600 };
const w = (wave: number, pending: number, active: number, succeeded: number, failed: number): WaveCounts => ({ wave, pending, active, succeeded, failed });

describe('per-charger state machine', () => {
  test('FirmwareStatusNotification moves an active charger; Idle and a non-active charger move nothing', () => {
    expect(afterFirmwareStatus('queued', 'Downloading')).toEqual({ state: 'downloading' });
    expect(afterFirmwareStatus('downloading', 'Downloaded')).toEqual({ state: 'downloaded' });
    expect(afterFirmwareStatus('downloaded', 'Installing')).toEqual({ state: 'installing' });
    expect(afterFirmwareStatus('installing', 'Installed')).toEqual({ state: 'installed' });
    expect(afterFirmwareStatus('downloading', 'DownloadFailed')).toEqual({ state: 'failed', reason: 'download-failed' });
    expect(afterFirmwareStatus('installing', 'InstallationFailed')).toEqual({ state: 'failed', reason: 'installation-failed' });
    expect(afterFirmwareStatus('downloading', 'Idle')).toBeUndefined();
    expect(afterFirmwareStatus('pending', 'Downloading')).toBeUndefined();
    expect(afterFirmwareStatus('succeeded', 'DownloadFailed')).toBeUndefined();
    expect(afterFirmwareStatus('cancelled', 'Downloading')).toBeUndefined();
  });

  test('an Installing or Installed handled after the reboot onto the target version (which it announced) is the success', () => {
    // The boot came while the queue had not yet recorded the delivery, so it confirmed nothing then.
    expect(afterBoot('queued', '2.5.0.0', '2.5.0.0', false)).toBeUndefined();
    expect(afterFirmwareStatus('queued', 'Installing', true)).toEqual({ state: 'succeeded' });
    expect(afterFirmwareStatus('installing', 'Installed', true)).toEqual({ state: 'succeeded' });
    // Earlier phases and failures are not: the install itself may still fail.
    expect(afterFirmwareStatus('queued', 'Downloading', true)).toEqual({ state: 'downloading' });
    expect(afterFirmwareStatus('downloading', 'DownloadFailed', true)).toEqual({ state: 'failed', reason: 'download-failed' });
    expect(afterFirmwareStatus('succeeded', 'Installed', true)).toBeUndefined();
  });

  test('SignedFirmwareStatusNotification: scheduled and paused are their phase, the signature and verification failures fail, SignatureVerified moves nothing', () => {
    expect(afterFirmwareStatus('queued', 'DownloadScheduled')).toEqual({ state: 'downloading' });
    expect(afterFirmwareStatus('downloading', 'DownloadPaused')).toBeUndefined();
    expect(afterFirmwareStatus('downloaded', 'SignatureVerified')).toBeUndefined();
    expect(afterFirmwareStatus('downloaded', 'InvalidSignature')).toEqual({ state: 'failed', reason: 'invalid-signature' });
    expect(afterFirmwareStatus('downloaded', 'InstallScheduled')).toBeUndefined();
    expect(afterFirmwareStatus('downloading', 'InstallScheduled')).toEqual({ state: 'downloaded' });
    expect(afterBoot('downloaded', '2.4.2.4', '2.5.0.0', true)).toBeUndefined();
    expect(afterFirmwareStatus('installing', 'InstallRebooting')).toBeUndefined();
    expect(afterFirmwareStatus('installing', 'InstallVerificationFailed')).toEqual({ state: 'failed', reason: 'install-verification-failed' });
    expect(afterFirmwareStatus('failed', 'SignatureVerified')).toBeUndefined();
  });

  test('Installed is not success: only a boot reporting the target version is', () => {
    expect(afterFirmwareStatus('installing', 'Installed')?.state).toBe('installed');
    expect(afterBoot('installed', '2.5.0.0', '2.5.0.0', true)).toEqual({ state: 'succeeded' });
    expect(afterBoot('installed', '2.4.2.4', '2.5.0.0', true)).toEqual({ state: 'failed', reason: 'booted-with-other-version:2.4.2.4' });
    expect(afterBoot('installing', undefined, '2.5.0.0', true)?.state).toBe('failed');
  });

  test('a queued (offline) charger booting with its old version is coming back for the update, not failing it', () => {
    expect(afterBoot('queued', '2.4.2.4', '2.5.0.0', false)).toBeUndefined();
    expect(afterBoot('queued', '2.5.0.0', '2.5.0.0', false)).toBeUndefined();
    expect(afterBoot('downloading', '2.4.2.4', '2.5.0.0', true)).toBeUndefined();
    expect(afterBoot('pending', '2.5.0.0', '2.5.0.0', false)).toBeUndefined();
  });

  test('a boot with the target version after delivery succeeds even when it overtakes the status notifications', () => {
    expect(afterBoot('queued', '2.5.0.0', '2.5.0.0', true)).toEqual({ state: 'succeeded' });
    expect(afterBoot('queued', '2.4.2.4', '2.5.0.0', true)).toBeUndefined();
  });
});

describe('waves and failure rate', () => {
  test('wave of a charger by its position', () => {
    expect([0, 9, 10, 25].map((s) => waveOf(waves, s))).toEqual([0, 0, 1, 2]);
    expect([0, 2, 3].map((s) => waveOf(concurrent, s))).toEqual([0, 0, 1]);
  });

  test('the first wave starts whole; the next waits until the current one finished', () => {
    expect(decide(waves, -1, [w(0, 10, 0, 0, 0), w(1, 10, 0, 0, 0)])).toEqual({ acceptedWave: -1, start: { count: 10, wave: 0 } });
    expect(decide(waves, -1, [w(0, 0, 3, 7, 0), w(1, 10, 0, 0, 0)])).toEqual({ acceptedWave: -1 });
  });

  test('a finished wave at or under the threshold is accepted and the next one starts', () => {
    const policy = { ...waves, failureThresholdPct: 10 };
    expect(decide(policy, -1, [w(0, 0, 0, 9, 1), w(1, 10, 0, 0, 0)])).toEqual({ acceptedWave: 0, start: { count: 10, wave: 1 } });
  });

  test('a finished wave over the threshold pauses the campaign with its numbers', () => {
    expect(decide(waves, -1, [w(0, 0, 0, 9, 1), w(1, 10, 0, 0, 0)])).toEqual({ acceptedWave: -1, pause: { wave: 0, failurePct: 10, failed: 1, finished: 10 } });
  });

  test('after resume (the paused wave accepted) the next wave starts, and a later bad wave pauses again', () => {
    expect(decide(waves, 0, [w(0, 0, 0, 9, 1), w(1, 10, 0, 0, 0)]).start).toEqual({ count: 10, wave: 1 });
    expect(decide(waves, 0, [w(0, 0, 0, 9, 1), w(1, 0, 0, 8, 2), w(2, 10, 0, 0, 0)]).pause?.wave).toBe(1);
  });

  test('everything finished: complete (the last wave is judged too, and pauses when bad)', () => {
    expect(decide(waves, 0, [w(0, 0, 0, 10, 0), w(1, 0, 0, 10, 0)])).toEqual({ acceptedWave: 1, complete: true });
    expect(decide(waves, 0, [w(0, 0, 0, 10, 0), w(1, 0, 0, 5, 5)]).pause?.wave).toBe(1);
  });

  test('maxConcurrent: starts while under the limit; blocks are judged in order', () => {
    expect(decide(concurrent, -1, [w(0, 3, 0, 0, 0), w(1, 3, 0, 0, 0)])).toEqual({ acceptedWave: -1, start: { count: 3 } });
    expect(decide(concurrent, -1, [w(0, 0, 2, 1, 0), w(1, 3, 0, 0, 0)])).toEqual({ acceptedWave: -1, start: { count: 1 } });
    expect(decide(concurrent, -1, [w(0, 0, 0, 1, 2), w(1, 2, 1, 0, 0)]).pause).toEqual({ wave: 0, failurePct: (2 * 100) / 3, failed: 2, finished: 3 });
  });

  test('a wave with only not-applicable or cancelled chargers is no failure', () => {
    expect(decide(waves, -1, [w(0, 0, 0, 0, 0), w(1, 10, 0, 0, 0)])).toEqual({ acceptedWave: 0, start: { count: 10, wave: 1 } });
  });
});
