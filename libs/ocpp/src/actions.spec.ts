import { CHARGER_INITIATED_ACTIONS, CSMS_INITIATED_ACTIONS, OCPP_ACTIONS, isOcppAction, type OcppRequestOf, type OcppResponseOf } from './actions.js';

describe('actions', () => {
  it('"39 actions, 78 schemas in all"', () => {
    expect(OCPP_ACTIONS).toHaveLength(39);
    expect(new Set(OCPP_ACTIONS).size).toBe(39);
  });

  it('"DataTransfer" is the only action both sides send', () => {
    const both = CHARGER_INITIATED_ACTIONS.filter((a) => (CSMS_INITIATED_ACTIONS as readonly string[]).includes(a));
    expect(both).toEqual(['DataTransfer']);
    expect(CHARGER_INITIATED_ACTIONS.length + CSMS_INITIATED_ACTIONS.length).toBe(40);
  });

  it('security extension actions sit on the right side', () => {
    expect(CHARGER_INITIATED_ACTIONS).toEqual(
      expect.arrayContaining(['SecurityEventNotification', 'SignCertificate', 'LogStatusNotification', 'SignedFirmwareStatusNotification']),
    );
    expect(CSMS_INITIATED_ACTIONS).toEqual(
      expect.arrayContaining([
        'CertificateSigned',
        'InstallCertificate',
        'DeleteCertificate',
        'GetInstalledCertificateIds',
        'ExtendedTriggerMessage',
        'GetLog',
        'SignedUpdateFirmware',
      ]),
    );
  });

  it('"Action names are case-sensitive": isOcppAction', () => {
    expect(isOcppAction('BootNotification')).toBe(true);
    expect(isOcppAction('bootnotification')).toBe(false);
    expect(isOcppAction('constructor')).toBe(false);
  });

  it('request/response maps type-check against the generated types', () => {
    const req: OcppRequestOf<'BootNotification'> = { chargePointVendor: 'Zaptec', chargePointModel: 'Go' };
    const res: OcppResponseOf<'SignCertificate'> = { status: 'Accepted' };
    // @ts-expect-error status is an enum: 'Maybe' is not one of its values
    const wrong: OcppResponseOf<'SignCertificate'> = { status: 'Maybe' };
    expect([req, res, wrong]).toHaveLength(3);
  });
});
