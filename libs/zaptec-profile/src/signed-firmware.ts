import { MODEL_NAMES, type ChargerModel } from './models.js';

/**
 * The security whitepaper's certificate-management keys (docs/reference/protocol-notes.md#signed-firmware): a
 * charger that reports one of them keeps a certificate store, which SignedUpdateFirmware needs to check the
 * firmware's signing certificate against its manufacturer root.
 */
export const CERTIFICATE_STORE_KEYS = ['CertificateStoreMaxLength', 'CertificateSignedMaxChainSize'] as const;

/**
 * Whether a charger takes SignedUpdateFirmware, from what it reported: SupportedFeatureProfiles has no name for
 * the security extension, and Basic Auth keys alone (all Zaptec lists, docs/reference/zaptec-facts.md#capabilities-per-model)
 * say nothing about PKI. `reportedKeys` null: its configuration was never read, so there is no evidence either way
 * and the command is not sent (a charger without the extension would only answer NotImplemented).
 */
export function signedFirmwareSupport(model: ChargerModel, reportedKeys: readonly string[] | null): { ok: true } | { ok: false; reason: string } {
  const name = MODEL_NAMES[model];
  if (reportedKeys === null) return { ok: false, reason: `${name}: its configuration was never read, so its support of SignedUpdateFirmware is unknown.` };
  if (CERTIFICATE_STORE_KEYS.some((k) => reportedKeys.includes(k))) return { ok: true };
  return {
    ok: false,
    reason: `${name} does not support SignedUpdateFirmware: it reports none of ${CERTIFICATE_STORE_KEYS.join(', ')} (no security-extension certificate store).`,
  };
}
