import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair, SignJWT, type JWK, type JWTPayload, type CryptoKey } from 'jose';

/**
 * A local OpenID Connect issuer for tests: its discovery document and JWKS served over HTTP on a free
 * port, and tokens signed with a key it generated. `rotate()` publishes a new signing key (and drops the
 * old one from the JWKS unless asked to keep it), as Keycloak or Entra do on a key rollover.
 */
export interface LocalOidcIssuer {
  issuer: string;
  /** A signed access token; `claims` override the defaults (iss, sub, aud, iat, exp in one hour). */
  token(claims: JWTPayload, options?: { expiresInS?: number; key?: 'current' | 'unpublished' }): Promise<string>;
  rotate(keepOld?: boolean): Promise<void>;
  /** How many times the JWKS was fetched. */
  jwksFetches(): number;
  close(): Promise<void>;
}

interface SigningKey {
  kid: string;
  privateKey: CryptoKey;
  jwk: JWK;
}

async function newKey(n: number): Promise<SigningKey> {
  const { privateKey, publicKey } = await generateKeyPair('RS256', { extractable: true });
  const kid = `test-key-${n}-${Date.now()}`;
  return { kid, privateKey, jwk: { ...(await exportJWK(publicKey)), kid, alg: 'RS256', use: 'sig' } };
}

export async function startLocalOidcIssuer(host = '127.0.0.1'): Promise<LocalOidcIssuer> {
  let n = 0;
  let current = await newKey(++n);
  let published: SigningKey[] = [current];
  const unpublished = await newKey(++n);
  let fetches = 0;
  let issuer = '';
  const server: Server = createServer((req, res) => {
    res.setHeader('Content-Type', 'application/json');
    if (req.url === '/.well-known/openid-configuration') {
      res.end(JSON.stringify({ issuer, jwks_uri: `${issuer}/jwks`, id_token_signing_alg_values_supported: ['RS256'] }));
    } else if (req.url === '/jwks') {
      fetches++;
      res.end(JSON.stringify({ keys: published.map((k) => k.jwk) }));
    } else {
      res.statusCode = 404;
      res.end('{}');
    }
  });
  await new Promise<void>((resolve) => server.listen(0, host, resolve));
  issuer = `http://${host}:${(server.address() as AddressInfo).port}`;
  return {
    issuer,
    async token(claims, options = {}) {
      const key = options.key === 'unpublished' ? unpublished : current;
      const now = Math.floor(Date.now() / 1000);
      return new SignJWT({ iss: issuer, sub: 'user-1', iat: now, exp: now + (options.expiresInS ?? 3600), ...claims })
        .setProtectedHeader({ alg: 'RS256', kid: key.kid, typ: 'at+jwt' })
        .sign(key.privateKey);
    },
    async rotate(keepOld = false) {
      current = await newKey(++n);
      published = keepOld ? [...published, current] : [current];
    },
    jwksFetches: () => fetches,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
