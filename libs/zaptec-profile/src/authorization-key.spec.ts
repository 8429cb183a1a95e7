import { defaultUseAuthorizationKeyWithoutDecoding, expectedPasswordBytes, validateAuthorizationKey } from './authorization-key.js';
import { validateKeyValue } from './validation.js';

// OCPP-J 1.6 security whitepaper example: identity AL1000 with this key.
const EXAMPLE_KEY = '0001020304050607FFFFFFFFFFFFFFFFFFFFFFFF';
const rules = (key: string, withoutDecoding: boolean): string[] => validateAuthorizationKey(key, withoutDecoding).map((r) => r.rule);

describe('AuthorizationKey with decoding (UseAuthorizationKeyWithoutDecoding=false)', () => {
  it('derives the OCPP-J example password from the decoded bytes', () => {
    const header = Buffer.concat([Buffer.from('AL1000:'), expectedPasswordBytes(EXAMPLE_KEY, false)]).toString('base64');
    expect(header).toBe('QUwxMDAwOgABAgMEBQYH////////////////');
  });

  it('refuses the OCPP-J example key: its bytes 0x00-0x07 are control characters (RFC 7617 / RFC 5234 CTL)', () => {
    expect(rules(EXAMPLE_KEY, false)).toEqual(['authorizationKey.control']);
  });

  it.each([
    ['16 bytes, upper case', '41424344454647484950515253545556'],
    ['20 bytes, lower case', '6162636465666768696a6b6c6d6e6f7071727374'],
    ['bytes >= 0x80 are not control characters', 'FF80FE81FD82FC83FB84FA85F986F887'],
    ['17 bytes', '3132333435363738393a3b3c3d3e3f4041'],
  ])('accepts a valid hex key (%s)', (_why, key) => {
    expect(rules(key, false)).toEqual([]);
  });

  it.each([
    ['odd length', '4142434445464748495051525354555', 'authorizationKey.hex'],
    ['non-hex digit', '4142434445464748495051525354555G', 'authorizationKey.hex'],
    ['hex with a separator', '41:42:43:44:45:46:47:48:49:50:51:52:53', 'authorizationKey.hex'],
    ['too short (15 bytes)', '414243444546474849505152535455', 'authorizationKey.length'],
    ['too long (21 bytes)', '414243444546474849505152535455565758595A5B', 'authorizationKey.length'],
    ['empty', '', 'authorizationKey.length'],
    ['DEL byte', '7F4243444546474849505152535455565758', 'authorizationKey.control'],
  ])('refuses %s', (_why, key, rule) => {
    expect(rules(key, false)).toContain(rule);
  });

  it('never echoes the key in a refusal', () => {
    expect(validateAuthorizationKey('zz', false).every((r) => r.value === null)).toBe(true);
  });

  it('does not derive a password from an undecodable key', () => {
    expect(() => expectedPasswordBytes('ABC', false)).toThrow(expect.objectContaining({ code: 'authorizationKey.hex' }));
    expect(() => expectedPasswordBytes('GG', false)).toThrow();
  });
});

describe('AuthorizationKey without decoding (UseAuthorizationKeyWithoutDecoding=true)', () => {
  it('uses the key text itself as the password', () => {
    expect(expectedPasswordBytes(EXAMPLE_KEY, true)).toEqual(Buffer.from(EXAMPLE_KEY, 'ascii'));
    expect(rules(EXAMPLE_KEY, true)).toEqual([]);
  });

  it.each([
    ['16 characters', 'abcdefghijklmnop'],
    ['40 characters with a colon and symbols', 'pass:word!#$%&()*+,-./0123456789<=>?@[]^'],
  ])('accepts %s', (_why, key) => {
    expect(rules(key, true)).toEqual([]);
  });

  it.each([
    ['too short', 'abcdefghijklmno', 'authorizationKey.length'],
    ['too long', 'a'.repeat(41), 'authorizationKey.length'],
    ['a tab', 'abcdefgh\tijklmnop', 'authorizationKey.control'],
    ['a DEL', 'abcdefgh\u007fijklmnop', 'authorizationKey.control'],
    ['non-ASCII', 'abcdefghijklmnopæ', 'authorizationKey.ascii'],
  ])('refuses %s', (_why, key, rule) => {
    expect(rules(key, true)).toContain(rule);
  });
});

describe('UseAuthorizationKeyWithoutDecoding default (docs/reference/zaptec-facts.md#useauthorizationkeywithoutdecoding)', () => {
  it('is false when no key was set before and true after', () => {
    expect(defaultUseAuthorizationKeyWithoutDecoding(false)).toBe(false);
    expect(defaultUseAuthorizationKeyWithoutDecoding(true)).toBe(true);
  });

  it('decides how a desired AuthorizationKey is validated when the mode is not known', () => {
    const text = 'correct horse battery';
    expect(validateKeyValue('AuthorizationKey', text, { model: 'zaptec-go' }).map((r) => r.rule)).toContain('authorizationKey.hex');
    expect(validateKeyValue('AuthorizationKey', text, { model: 'zaptec-go', authorizationKeySetBefore: true })).toEqual([]);
  });

  it("asks a charger without Zaptec's switch for the strict hex form, which works either way", () => {
    const ctx = { model: 'generic' as const, authorizationKeySetBefore: true };
    expect(validateKeyValue('AuthorizationKey', 'correct horse battery', ctx).map((r) => r.rule)).toContain('authorizationKey.hex');
    expect(validateKeyValue('AuthorizationKey', '41424344454647484950515253545556', ctx)).toEqual([]);
  });

  it('follows the desired or reported mode over the default', () => {
    const ctx = { model: 'zaptec-go' as const, authorizationKeySetBefore: true };
    expect(validateKeyValue('AuthorizationKey', EXAMPLE_KEY, { ...ctx, reported: { UseAuthorizationKeyWithoutDecoding: 'false' } }).map((r) => r.rule)).toEqual(
      ['authorizationKey.control'],
    );
    expect(validateKeyValue('AuthorizationKey', EXAMPLE_KEY, { ...ctx, reported: { UseAuthorizationKeyWithoutDecoding: 'true' } })).toEqual([]);
  });
});
