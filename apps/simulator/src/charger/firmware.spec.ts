import { parseCli, UsageError } from '../cli.js';
import { faultHits, versionFromLocation } from './firmware.js';
import { keyDefinitionsFor } from './key-definitions.js';
import { PRESETS } from './presets.js';

describe('simulated firmware updates', () => {
  test('the installed version comes from the location: its version parameter, else the last segment without extension', () => {
    expect(versionFromLocation('https://fw.example.com/zaptec/go/2.5.0.0.bin')).toBe('2.5.0.0');
    expect(versionFromLocation('ftp://fw.example.com/go/2.5.1.0')).toBe('2.5.1.0');
    expect(versionFromLocation('https://fw.example.com/download?id=7&version=3.3.0.1')).toBe('3.3.0.1');
    expect(versionFromLocation('not a url')).toBeUndefined();
    expect(versionFromLocation('https://fw.example.com/')).toBeUndefined();
  });

  test('a fault percentage hits a reproducible share of the fleet', () => {
    const ids = Array.from({ length: 1000 }, (_, i) => `SIM${i}`);
    const hit = ids.filter((id) => faultHits(id, 'download', 10)).length;
    expect(hit).toBeGreaterThan(50);
    expect(hit).toBeLessThan(150);
    expect(ids.filter((id) => faultHits(id, 'download', 10))).toEqual(ids.filter((id) => faultHits(id, 'download', 10)));
    expect(ids.every((id) => faultHits(id, 'install', 100) && !faultHits(id, 'install', 0))).toBe(true);
  });

  test('the CLI takes the firmware fault percentages and refuses values outside 0..100', () => {
    const o = parseCli(['--url', 'ws://127.0.0.1:9000/ocpp', '--firmware-download-failure-pct', '10', '--firmware-install-failure-pct', '2.5']);
    expect(o.faults).toMatchObject({ firmwareDownloadFailurePct: 10, firmwareInstallFailurePct: 2.5 });
    expect(() => parseCli(['--url', 'ws://127.0.0.1:9000/ocpp', '--firmware-download-failure-pct', '120'])).toThrow(UsageError);
  });

  test('the CLI takes --security-extension and the invalid-signature fault, which needs it', () => {
    const o = parseCli(['--url', 'ws://127.0.0.1:9000/ocpp', '--security-extension', '--firmware-invalid-signature-pct', '25']);
    expect(o.securityExtension).toBe(true);
    expect(o.faults.firmwareInvalidSignaturePct).toBe(25);
    expect(parseCli(['--url', 'ws://127.0.0.1:9000/ocpp']).securityExtension).toBe(false);
    expect(() => parseCli(['--url', 'ws://127.0.0.1:9000/ocpp', '--firmware-invalid-signature-pct', '25'])).toThrow(/needs --security-extension/);
  });

  test('the certificate-store keys exist only on a charger with the security extension', () => {
    const names = (store: boolean): string[] => keyDefinitionsFor(PRESETS.go, store).map((d) => d.key);
    expect(names(true)).toEqual(expect.arrayContaining(['CertificateStoreMaxLength', 'CertificateSignedMaxChainSize']));
    expect(names(false)).not.toContain('CertificateStoreMaxLength');
  });
});
