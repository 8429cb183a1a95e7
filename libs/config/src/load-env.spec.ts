import { EnvConfigError, loadAppConfig, loadEnv } from './index.js';

const NATS = 'nats://nats:4222';

function refusal(env: Record<string, string>): { variable: string; message: string } | undefined {
  try {
    loadEnv(env);
    return undefined;
  } catch (err) {
    expect(err).toBeInstanceOf(EnvConfigError);
    return { variable: (err as EnvConfigError).variable, message: (err as Error).message };
  }
}

describe('NATS client variables', () => {
  it('come in pairs: NATS_USER with NATS_PASSWORD, NATS_TLS_CERT_FILE with NATS_TLS_KEY_FILE', () => {
    expect(refusal({ NATS_URL: NATS, NATS_USER: 'csms' })?.variable).toBe('NATS_PASSWORD');
    expect(refusal({ NATS_URL: NATS, NATS_PASSWORD: 'x' })?.variable).toBe('NATS_USER');
    expect(refusal({ NATS_URL: NATS, NATS_TLS_CERT_FILE: '/c.pem' })?.variable).toBe('NATS_TLS_KEY_FILE');
    expect(refusal({ NATS_URL: NATS, NATS_TLS_KEY_FILE: '/k.pem' })?.message).toBe(
      'invalid environment variable NATS_TLS_CERT_FILE: NATS_TLS_CERT_FILE and NATS_TLS_KEY_FILE must be set together',
    );
  });
  it('need NATS_URL', () => {
    expect(refusal({ NATS_TOKEN: 't' })).toEqual({
      variable: 'NATS_TOKEN',
      message: 'invalid environment variable NATS_TOKEN: needs NATS_URL (the in-process bus has no credentials)',
    });
    expect(refusal({ NATS_TLS_CA_FILE: '/ca.pem' })?.variable).toBe('NATS_TLS_CA_FILE');
  });
  it('become AppConfig.natsClient; TLS only when a TLS file is given', () => {
    expect(loadAppConfig({ NATS_URL: NATS }).natsClient).toEqual({});
    expect(
      JSON.parse(
        JSON.stringify(
          loadAppConfig({
            NATS_URL: NATS,
            NATS_USER: 'u',
            NATS_PASSWORD: 'p',
            NATS_TOKEN: 't',
            NATS_CREDS_FILE: '/c',
            NATS_NKEY_SEED_FILE: '/s',
            NATS_TLS_CA_FILE: '/ca',
          }).natsClient,
        ),
      ),
    ).toEqual({ user: 'u', password: 'p', token: 't', credsFile: '/c', nkeySeedFile: '/s', tls: { caFile: '/ca' } });
  });
});
