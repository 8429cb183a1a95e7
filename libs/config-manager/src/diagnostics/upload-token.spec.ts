import { hashUploadToken, isUploadTokenShape, newUploadToken, tokenVerdict } from './upload-token.js';

describe('one-time upload token', () => {
  test('32 random bytes in base64url, stored only as its SHA-256', () => {
    const a = newUploadToken();
    const b = newUploadToken();
    expect(a.token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(Buffer.from(a.token, 'base64url')).toHaveLength(32);
    expect(a.token).not.toBe(b.token);
    expect(a.hash).toBe(hashUploadToken(a.token));
    expect(a.hash).toMatch(/^[0-9a-f]{64}$/);
    expect(a.hash).not.toContain(a.token);
  });

  test('only the generated shape is looked up', () => {
    expect(isUploadTokenShape(newUploadToken().token)).toBe(true);
    expect(isUploadTokenShape('short')).toBe(false);
    expect(isUploadTokenShape(`${'a'.repeat(42)}/`)).toBe(false);
  });

  const now = new Date('2026-01-01T12:00:00Z');
  const later = new Date('2026-01-01T13:00:00Z');
  const earlier = new Date('2026-01-01T11:00:00Z');

  test('valid before expiry, refused at and after it', () => {
    expect(tokenVerdict({ expiresAt: later, receivedAt: null, uploadLease: null }, now)).toBe('ok');
    expect(tokenVerdict({ expiresAt: now, receivedAt: null, uploadLease: null }, now)).toBe('expired');
    expect(tokenVerdict({ expiresAt: earlier, receivedAt: null, uploadLease: null }, now)).toBe('expired');
  });

  test('used once: a received file ends it, even before expiry', () => {
    expect(tokenVerdict({ expiresAt: later, receivedAt: earlier, uploadLease: null }, now)).toBe('used');
  });

  test('one upload at a time; a lapsed lease (a broken upload) lets the retry start', () => {
    expect(tokenVerdict({ expiresAt: later, receivedAt: null, uploadLease: later }, now)).toBe('busy');
    expect(tokenVerdict({ expiresAt: later, receivedAt: null, uploadLease: earlier }, now)).toBe('ok');
  });
});
