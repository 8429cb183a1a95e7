import { billingDefaultsOf, CHARGER_MODELS, capabilitiesOf, KEY_REGISTRY, MODEL_NAMES, type Capabilities, type ChargerModel } from '#csms/zaptec-profile';

export interface KeyView {
  name: string;
  type: 'boolean' | 'integer' | 'string' | 'csl';
  unit?: string;
  range?: { min?: number; max?: number };
  maxLength?: number;
  members?: readonly string[];
  maxItems?: number;
  access: 'R' | 'RW' | 'W';
  required: boolean;
  profile: string;
  default?: string;
  description: string;
}
export interface ProfilesView {
  keys: KeyView[];
  /**
   * Each model with its capabilities and the defaults its desired-configuration level starts with
   * (docs/reference/design-decisions.md#boot-provisioning).
   */
  models: Array<{ model: ChargerModel; name: string; capabilities: Capabilities; defaults: Record<string, string> }>;
}

/**
 * The key registry and the model matrix as JSON, so a dashboard can render forms
 * (docs/reference/design-decisions.md#desired-configuration).
 */
export function profilesView(): ProfilesView {
  const keys = [...KEY_REGISTRY.values()].map((d): KeyView => {
    const t = d.type;
    return {
      name: d.name,
      type: t.kind,
      ...(t.kind === 'integer' && t.unit !== undefined ? { unit: t.unit } : {}),
      ...(t.kind === 'integer' && (t.min !== undefined || t.max !== undefined) ? { range: { min: t.min, max: t.max } } : {}),
      ...(t.kind === 'string' ? { maxLength: t.maxLength } : {}),
      ...(t.kind === 'csl' && t.members ? { members: t.members } : {}),
      ...(t.kind === 'csl' && t.maxItems !== undefined ? { maxItems: t.maxItems } : {}),
      access: d.access,
      required: d.required,
      profile: d.profile,
      ...(d.default !== undefined ? { default: d.default } : {}),
      description: d.description,
    };
  });
  const models = CHARGER_MODELS.map((model) => ({
    model,
    name: MODEL_NAMES[model],
    capabilities: capabilitiesOf(model),
    defaults: { ...billingDefaultsOf(model) },
  }));
  return { keys, models };
}
