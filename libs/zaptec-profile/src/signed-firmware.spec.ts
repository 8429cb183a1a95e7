import { capabilitiesOf, isActionSupported } from './models.js';
import { signedFirmwareSupport } from './signed-firmware.js';

describe('SignedUpdateFirmware support', () => {
  test('only a charger that reported a certificate-store key takes it', () => {
    expect(signedFirmwareSupport('generic', ['CertificateStoreMaxLength'])).toEqual({ ok: true });
    expect(signedFirmwareSupport('generic', ['CertificateSignedMaxChainSize'])).toEqual({ ok: true });
    expect(signedFirmwareSupport('zaptec-go2', ['CertificateStoreMaxLength'])).toEqual({ ok: true });
  });

  test('Basic Auth keys alone, or a configuration never read, are no evidence: not supported, with the reason', () => {
    expect(signedFirmwareSupport('zaptec-go', [])).toEqual({ ok: false, reason: expect.stringContaining('Zaptec Go does not support SignedUpdateFirmware') });
    expect(signedFirmwareSupport('generic', null)).toEqual({ ok: false, reason: expect.stringContaining('never read') });
  });

  test('the security actions are not narrowed by SupportedFeatureProfiles, which has no name for the extension', () => {
    expect(isActionSupported(capabilitiesOf('generic', ['Core']), 'SignedUpdateFirmware')).toEqual({ ok: true });
  });
});
