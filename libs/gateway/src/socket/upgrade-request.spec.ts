import { identityFromPath, parseBasicAuth, selectSubprotocol } from './upgrade-request.js';

describe('identityFromPath (OCPP-J 1.6 §3.1: endpoint + "/" + percent-encoded identity)', () => {
  test('any path: identity is the last segment', () => {
    expect(identityFromPath('/ocpp/ZAP000001', '')).toEqual({ ok: true, identity: 'ZAP000001' });
    expect(identityFromPath('/ZAP000001', '')).toEqual({ ok: true, identity: 'ZAP000001' });
    expect(identityFromPath('/a/b/ZAP000001/', '')).toEqual({ ok: true, identity: 'ZAP000001' });
  });
  test('percent-decoded: "RDAM%20123" is "RDAM 123"', () => {
    expect(identityFromPath('/ocpp/RDAM%20123', '')).toEqual({ ok: true, identity: 'RDAM 123' });
    expect(identityFromPath('/ocpp/a.b%2A%3E%25%C3%A6', '')).toEqual({ ok: true, identity: 'a.b*>%æ' });
  });
  test('with a prefix the path must be prefix/identity', () => {
    expect(identityFromPath('/ocpp/ZAP1', '/ocpp')).toEqual({ ok: true, identity: 'ZAP1' });
    expect(identityFromPath('/other/ZAP1', '/ocpp')).toMatchObject({ ok: false, status: 404 });
    expect(identityFromPath('/ocpp/x/ZAP1', '/ocpp')).toMatchObject({ ok: false, status: 404 });
  });
  test('refuses empty, bad encoding, control characters, over-long identities', () => {
    expect(identityFromPath('/', '')).toMatchObject({ ok: false, status: 404 });
    expect(identityFromPath('/%E0%A4%A', '')).toMatchObject({ ok: false, status: 400 });
    expect(identityFromPath('/a%00b', '')).toMatchObject({ ok: false, status: 400 });
    expect(identityFromPath('/' + 'x'.repeat(49), '')).toMatchObject({ ok: false, status: 400 });
  });
});

describe('selectSubprotocol (OCPP-J §3.1.2)', () => {
  test('ocpp1.6 chosen when offered among others', () => {
    expect(selectSubprotocol(new Set(['ocpp2.0.1', 'ocpp1.6']))).toBe('ocpp1.6');
  });
  test('none supported: no header', () => {
    expect(selectSubprotocol(new Set(['ocpp2.0.1']))).toBe(false);
    expect(selectSubprotocol(new Set())).toBe(false);
  });
});

describe('parseBasicAuth (RFC 7617)', () => {
  test('splits at the first colon and keeps password bytes raw', () => {
    const raw = Buffer.concat([Buffer.from('AL1000:'), Buffer.from([0x00, 0x01, 0xff, 0x3a])]);
    const creds = parseBasicAuth('Basic ' + raw.toString('base64'));
    expect(creds?.username).toBe('AL1000');
    expect([...(creds?.password ?? [])]).toEqual([0x00, 0x01, 0xff, 0x3a]);
  });
  test('absent or malformed: undefined', () => {
    expect(parseBasicAuth(undefined)).toBeUndefined();
    expect(parseBasicAuth('Bearer abc')).toBeUndefined();
    expect(parseBasicAuth('Basic ' + Buffer.from('nocolon').toString('base64'))).toBeUndefined();
  });
});
