/**
 * The Zaptec profile rules auth relies on, imported in this one place (the profile lib owns them:
 * identity canonicalisation, docs/reference/design-decisions.md#zaptec-chargers; AuthorizationKey validation and
 * password derivation, docs/reference/protocol-notes.md#authorizationkey).
 */
export { canonicalIdentity, validateAuthorizationKey, expectedPasswordBytes, defaultUseAuthorizationKeyWithoutDecoding } from '#csms/zaptec-profile';
