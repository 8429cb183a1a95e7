import { bool, int, key, OPTIONAL, str } from './define.js';
import { MAX_VALUE_LENGTH, type KeyDefinition } from './types.js';

/**
 * "Improved security for OCPP 1.6-J" (edition 3), configuration keys. All optional: a 1.6 charger without
 * the security extension has none of them.
 */
export const SECURITY_KEYS: readonly KeyDefinition[] = [
  key(
    'Security',
    'AdditionalRootCertificateCheck',
    bool(),
    'R',
    OPTIONAL,
    'Whether a new central system root certificate must be signed by the old one (fallback kept).',
  ),
  // Write-only: GetConfiguration never returns it (docs/reference/protocol-notes.md#authorizationkey). Its content is checked by
  // validateAuthorizationKey according to UseAuthorizationKeyWithoutDecoding, not by this type alone.
  key(
    'Security',
    'AuthorizationKey',
    str(40),
    'W',
    OPTIONAL,
    'Basic Auth password for security profiles 1 and 2: 16 to 20 bytes, sent as up to 40 hex digits.',
  ),
  key('Security', 'CertificateSignedMaxChainSize', int('bytes', 1, 10000), 'R', OPTIONAL, 'Maximum size of the certificate chain in CertificateSigned.req.'),
  key('Security', 'CertificateStoreMaxLength', int(undefined, 1), 'R', OPTIONAL, 'Maximum number of installed root certificates.'),
  key('Security', 'CpoName', str(MAX_VALUE_LENGTH), 'RW', OPTIONAL, 'CPO name; the O of the charge point certificate (security profile 3).'),
  key(
    'Security',
    'SecurityProfile',
    int(undefined, 0, 3),
    'RW',
    OPTIONAL,
    'Security profile in use (0 none, 1 Basic Auth, 2 TLS + Basic Auth, 3 mutual TLS); may only be raised.',
  ),
];
