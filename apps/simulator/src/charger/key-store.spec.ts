import { passwordFromAuthorizationKey } from './authorization-key.js';
import { KeyStore, KeyStoreError } from './key-store.js';
import { PRESETS } from './presets.js';

const OCPP_J_EXAMPLE_KEY = '0001020304050607FFFFFFFFFFFFFFFFFFFFFFFF';

describe('KeyStore (Zaptec charger configuration)', () => {
  it('has the model defaults: 24 h heartbeat, no sampling on Go and Go 2, one connector', () => {
    for (const model of [PRESETS.go, PRESETS.go2]) {
      const ks = new KeyStore(model);
      expect(ks.get('HeartbeatInterval')).toBe('86400');
      expect(ks.get('MeterValueSampleInterval')).toBe('0');
      expect(ks.get('NumberOfConnectors')).toBe('1');
      expect(ks.get('UnlockConnectorOnEVSideDisconnect')).toBe('true');
      expect(ks.get('StopTransactionOnEVSideDisconnect')).toBe('true');
      expect(ks.get('ConnectionTimeOut')).toBe('30');
      expect(ks.has('FreeCharging')).toBe(true);
    }
  });

  it('Pro has neither FreeCharging nor FreeChargingIdTag but the other three Zaptec keys', () => {
    const ks = new KeyStore(PRESETS.pro);
    expect(ks.change('FreeCharging', 'true').status).toBe('NotSupported');
    expect(ks.change('FreeChargingIdTag', 'X').status).toBe('NotSupported');
    for (const k of ['LockCablePermanently', 'PowerActiveImportDeltaForEagerMeterValueSample', 'UseAuthorizationKeyWithoutDecoding']) {
      expect(ks.has(k)).toBe(true);
    }
  });

  it('answers NotSupported for unknown keys and Rejected for read-only keys', () => {
    const ks = new KeyStore(PRESETS.go);
    expect(ks.change('NoSuchKey', '1').status).toBe('NotSupported');
    expect(ks.change('NumberOfConnectors', '1').status).toBe('Rejected');
    expect(ks.change('SupportedFeatureProfiles', 'Core').status).toBe('Rejected');
    expect(ks.change('GetConfigurationMaxKeys', '5').status).toBe('Rejected');
  });

  it('rejects bad values: not boolean, not integer, out of range, unknown measurand in a list', () => {
    const ks = new KeyStore(PRESETS.go);
    expect(ks.change('FreeCharging', 'yes').status).toBe('Rejected');
    expect(ks.change('HeartbeatInterval', '1.5').status).toBe('Rejected');
    expect(ks.change('HeartbeatInterval', 'abc').status).toBe('Rejected');
    expect(ks.change('HeartbeatInterval', '-1').status).toBe('Rejected');
    expect(ks.change('HeartbeatInterval', '4294968').status).toBe('Rejected');
    expect(ks.change('MeterValuesSampledData', 'Energy.Active.Import.Register,Temperature').status).toBe('Rejected');
    expect(ks.get('MeterValuesSampledData')).toContain('Power.Active.Import');
    expect(ks.change('FreeChargingIdTag', 'X'.repeat(21)).status).toBe('Rejected');
    expect(ks.change('HeartbeatInterval', '4294967').status).toBe('Accepted');
    expect(ks.change('FreeCharging', 'TRUE')).toEqual({ status: 'Accepted' });
    expect(ks.get('FreeCharging')).toBe('true');
  });

  it('LockCablePermanently=true makes UnlockConnectorOnEVSideDisconnect false and read-only; clearing restores it', () => {
    const ks = new KeyStore(PRESETS.go2);
    expect(ks.change('UnlockConnectorOnEVSideDisconnect', 'false').status).toBe('Accepted');
    expect(ks.change('UnlockConnectorOnEVSideDisconnect', 'true').status).toBe('Accepted');
    expect(ks.change('LockCablePermanently', 'true').status).toBe('Accepted');
    expect(ks.get('UnlockConnectorOnEVSideDisconnect')).toBe('false');
    expect(ks.change('UnlockConnectorOnEVSideDisconnect', 'true').status).toBe('Rejected');
    const entry = ks.getConfiguration(['UnlockConnectorOnEVSideDisconnect']).configurationKey[0];
    expect(entry).toEqual({ key: 'UnlockConnectorOnEVSideDisconnect', readonly: true, value: 'false' });
    expect(ks.change('LockCablePermanently', 'true').status).toBe('Accepted'); // again: previous value kept
    expect(ks.change('LockCablePermanently', 'false').status).toBe('Accepted');
    expect(ks.get('UnlockConnectorOnEVSideDisconnect')).toBe('true');
    expect(ks.isReadOnly('UnlockConnectorOnEVSideDisconnect')).toBe(false);
  });

  it('clearing LockCablePermanently restores a previous false as false', () => {
    const ks = new KeyStore(PRESETS.go);
    ks.change('UnlockConnectorOnEVSideDisconnect', 'false');
    ks.change('LockCablePermanently', 'true');
    ks.change('LockCablePermanently', 'false');
    expect(ks.get('UnlockConnectorOnEVSideDisconnect')).toBe('false');
  });

  describe('AuthorizationKey and UseAuthorizationKeyWithoutDecoding', () => {
    it('decoding on (default before any key): password = decoded bytes of a 16..20 byte hex key', () => {
      const ks = new KeyStore(PRESETS.go);
      expect(ks.get('UseAuthorizationKeyWithoutDecoding')).toBe('false');
      const key = '6162636465666768696a6b6c6d6e6f70'; // 'abcdefghijklmnop'
      expect(ks.change('AuthorizationKey', key).status).toBe('Accepted');
      expect(ks.getPassword()?.toString('utf8')).toBe('abcdefghijklmnop');
    });

    it('refuses the OCPP-J example key with decoding on (decoded bytes 0x00-0x07 are control characters)', () => {
      const ks = new KeyStore(PRESETS.go);
      expect(ks.change('AuthorizationKey', OCPP_J_EXAMPLE_KEY).status).toBe('Rejected');
      expect(ks.getPassword()).toBeNull();
      // ...and after that refusal nothing flipped: still decoding.
      expect(ks.get('UseAuthorizationKeyWithoutDecoding')).toBe('false');
    });

    it('refuses odd length, non-hex, too short, too long and 0x7F with decoding on', () => {
      const ks = new KeyStore(PRESETS.go);
      for (const bad of ['616', 'zz'.repeat(16), '61'.repeat(15), '61'.repeat(21), '61'.repeat(15) + '7f']) {
        expect(ks.change('AuthorizationKey', bad).status).toBe('Rejected');
      }
      expect(ks.change('AuthorizationKey', '61'.repeat(20)).status).toBe('Accepted');
    });

    it('decoding off: the key text is the password; control characters refused', () => {
      const ks = new KeyStore(PRESETS.go);
      expect(ks.change('UseAuthorizationKeyWithoutDecoding', 'true').status).toBe('Accepted');
      expect(ks.change('AuthorizationKey', OCPP_J_EXAMPLE_KEY).status).toBe('Accepted');
      expect(ks.getPassword()?.toString('utf8')).toBe(OCPP_J_EXAMPLE_KEY);
      expect(ks.change('AuthorizationKey', 'abcdefgh\u0001ijklmnop').status).toBe('Rejected');
      expect(ks.change('AuthorizationKey', 'abcdefgh\u007fijklmnop').status).toBe('Rejected');
      expect(ks.getPassword()?.toString('utf8')).toBe(OCPP_J_EXAMPLE_KEY);
    });

    it('default flips to true after the first key was set', () => {
      const ks = new KeyStore(PRESETS.go2);
      expect(ks.get('UseAuthorizationKeyWithoutDecoding')).toBe('false');
      expect(ks.change('AuthorizationKey', '41'.repeat(16)).status).toBe('Accepted');
      expect(ks.get('UseAuthorizationKeyWithoutDecoding')).toBe('true');
      // Now the next key is used as text: hex text is taken literally.
      expect(ks.change('AuthorizationKey', '42'.repeat(16)).status).toBe('Accepted');
      expect(ks.getPassword()?.toString('utf8')).toBe('42'.repeat(16));
      // An explicit false wins over the default.
      expect(ks.change('UseAuthorizationKeyWithoutDecoding', 'false').status).toBe('Accepted');
      expect(ks.change('AuthorizationKey', '43'.repeat(16)).status).toBe('Accepted');
      expect(ks.getPassword()?.toString('utf8')).toBe('C'.repeat(16));
    });

    it('a charger provisioned with a password starts with the flipped default', () => {
      const ks = new KeyStore(PRESETS.go, { initialPassword: 'provisioned-secret' });
      expect(ks.get('UseAuthorizationKeyWithoutDecoding')).toBe('true');
      expect(ks.getPassword()?.toString()).toBe('provisioned-secret');
    });

    it('pure rule matches the store', () => {
      expect(passwordFromAuthorizationKey(OCPP_J_EXAMPLE_KEY, false).ok).toBe(false);
      expect(passwordFromAuthorizationKey(OCPP_J_EXAMPLE_KEY, true).ok).toBe(true);
    });
  });

  describe('GetConfiguration', () => {
    it('never returns AuthorizationKey, lists unknown keys, returns all keys when none asked', () => {
      const ks = new KeyStore(PRESETS.go);
      ks.change('AuthorizationKey', '41'.repeat(16));
      const all = ks.getConfiguration();
      expect(all.configurationKey.map((e) => e.key)).not.toContain('AuthorizationKey');
      expect(all.configurationKey.map((e) => e.key)).toEqual(
        expect.arrayContaining([
          'HeartbeatInterval',
          'FreeCharging',
          'FreeChargingIdTag',
          'LockCablePermanently',
          'PowerActiveImportDeltaForEagerMeterValueSample',
          'UseAuthorizationKeyWithoutDecoding',
          'StopTransactionMaxMeterValues',
        ]),
      );
      expect(all.unknownKey).toEqual([]);
      const some = ks.getConfiguration(['AuthorizationKey', 'Foo', 'NumberOfConnectors']);
      expect(some).toEqual({ configurationKey: [{ key: 'NumberOfConnectors', readonly: true, value: '1' }], unknownKey: ['Foo'] });
    });

    it('refuses requests naming more keys than GetConfigurationMaxKeys', () => {
      const ks = new KeyStore(PRESETS.go, { overrides: { GetConfigurationMaxKeys: '2' } });
      expect(() => ks.getConfiguration(['A', 'B', 'C'])).toThrow(KeyStoreError);
      expect(ks.getConfiguration(['A', 'B']).unknownKey).toEqual(['A', 'B']);
    });
  });
});
