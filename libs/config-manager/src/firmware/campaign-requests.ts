// What the campaign verbs are asked and answer: types only, so that the verb definitions (../verbs.ts) load none of
// the campaigns' service, which sends through the queue.
import type { RolloutPolicy } from './rollout.js';
import type { CampaignChargerView, CampaignTarget, CampaignView, SignedFirmware } from './store.js';

/** `api.config-manager.createFirmwareCampaign`: the HTTP layer validated the fields' shapes already. */
export interface CreateCampaignRequest {
  target: CampaignTarget;
  targetVersion: string;
  location: string;
  retrieveDate?: string;
  retries?: number;
  retryInterval?: number;
  /** Set: SignedUpdateFirmware (security extension) instead of UpdateFirmware. */
  signedFirmware?: SignedFirmware;
  policy: RolloutPolicy;
  createdBy?: string;
}

export interface CampaignRecord extends CampaignView {
  counts: Record<string, number>;
  chargers: { items: CampaignChargerView[]; total: number; limit: number; offset: number };
}
