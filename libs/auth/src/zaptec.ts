/**
 * The Zaptec profile rules auth relies on, imported in this one place (the profile lib owns them:
 * identity canonicalisation, issue 10 §6; AuthorizationKey validation and password derivation, OCPP16-NOTES §5).
 */
export {
  canonicalIdentity,
  validateAuthorizationKey,
  expectedPasswordBytes,
  defaultUseAuthorizationKeyWithoutDecoding,
} from '#csms/zaptec-profile';
