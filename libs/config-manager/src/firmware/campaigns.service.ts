import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { ok, refuse, type ServiceReply } from '#csms/http';
import { CHARGER_MODELS, isActionSupported, signedFirmwareSupport, type ChargerModel } from '#csms/zaptec-profile';
import { capabilitiesOfModel } from '../registry/charger-model.js';
import { QueuedCommandService } from '../queued/queued.service.js';
import { FirmwareCampaignEngine } from './engine.js';
import { CAMPAIGN_CHARGER_STATES, CAMPAIGN_STATES, waveOf, type CampaignChargerState, type CampaignState } from './rollout.js';
import { FirmwareCampaignStore, type CampaignView, type NewCampaignCharger, type TargetedCharger } from './store.js';

import type { CampaignRecord, CreateCampaignRequest } from './campaign-requests.js';
export type { CampaignRecord, CreateCampaignRequest };

export const MAX_CAMPAIGN_PAGE = 500;
const DEFAULT_PAGE = 100;

const invalid = (field: string, rule: string, message: string): ServiceReply<never> =>
  refuse(400, 'validation_failed', `${field}: ${message}`, [{ field, rule, message: `${field} ${message}` }]);

/**
 * Whether a campaign may send its command to a charger. Never to one whose model, or reported
 * SupportedFeatureProfiles, lacks the action (docs/reference/zaptec-facts.md#capabilities-per-model): the same
 * matrix the command API refuses by. SignedUpdateFirmware besides only to a charger that reported a certificate
 * store (docs/reference/protocol-notes.md#signed-firmware).
 */
function applicable(c: TargetedCharger, signed: boolean): { ok: true } | { ok: false; reason: string } {
  const model = c.model as ChargerModel;
  const verdict = isActionSupported(capabilitiesOfModel(model, c.supportedFeatureProfiles), signed ? 'SignedUpdateFirmware' : 'UpdateFirmware');
  return verdict.ok && signed ? signedFirmwareSupport(model, c.certificateStoreKeys) : verdict;
}

/** The firmware campaigns' answers to the API (docs/api-firmware-campaigns.md). */
@Injectable()
export class FirmwareCampaignService {
  constructor(
    @Inject(FirmwareCampaignStore) private readonly store: FirmwareCampaignStore,
    @Inject(FirmwareCampaignEngine) private readonly engine: FirmwareCampaignEngine,
    @Inject(QueuedCommandService) private readonly queue: QueuedCommandService,
  ) {}

  async create(req: CreateCampaignRequest): Promise<ServiceReply<CampaignRecord>> {
    const t = req.target;
    const kinds = [t.chargerIds !== undefined, t.group !== undefined, t.model !== undefined].filter(Boolean).length;
    if (kinds !== 1) return invalid('target', 'exactlyOne', 'must name exactly one of chargerIds, group, model');
    if (t.firmwareVersions !== undefined && t.model === undefined) return invalid('target.firmwareVersions', 'withModel', 'narrows a model target only');
    if (t.model !== undefined && !(CHARGER_MODELS as readonly string[]).includes(t.model))
      return invalid('target.model', 'isIn', `must be one of ${CHARGER_MODELS.join(', ')}`);
    const p = req.policy;
    if ((p.waveSize === undefined) === (p.maxConcurrent === undefined))
      return invalid('policy', 'exactlyOne', 'must set exactly one of waveSize, maxConcurrent');
    const retrieveDate = req.retrieveDate ?? new Date().toISOString();
    const installAt = req.signedFirmware?.installDateTime;
    if (installAt !== undefined && Date.parse(installAt) < Date.parse(retrieveDate))
      return invalid('signedFirmware.installDateTime', 'notBeforeRetrieve', 'must not be before retrieveDate');

    const found = await this.store.resolveTarget(t);
    const known = new Set(found.map((c) => c.chargerId));
    const unknown = (t.chargerIds ?? []).filter((id) => !known.has(id));
    if (found.length === 0 && unknown.length === 0) return refuse(422, 'no_chargers', 'the target matches no known charger');
    let seq = 0;
    const chargers: NewCampaignCharger[] = [];
    for (const c of found) {
      const verdict = applicable(c, req.signedFirmware !== undefined);
      if (!verdict.ok) chargers.push({ chargerId: c.chargerId, seq: -1, wave: -1, state: 'not-applicable', reason: verdict.reason });
      else {
        chargers.push({ chargerId: c.chargerId, seq, wave: waveOf(p, seq), state: 'pending' });
        seq++;
      }
    }
    for (const id of unknown) chargers.push({ chargerId: id, seq: -1, wave: -1, state: 'not-applicable', reason: 'unknown charger (it never connected)' });
    const campaign = await this.store.insert(
      {
        campaignId: randomUUID(),
        target: t,
        targetVersion: req.targetVersion,
        location: req.location,
        retrieveDate,
        retries: req.retries ?? null,
        retryInterval: req.retryInterval ?? null,
        signedFirmware: req.signedFirmware ?? null,
        policy: p,
        createdBy: req.createdBy ?? null,
      },
      chargers,
    );
    // The answer first, then the first wave (it may take a while to queue).
    setImmediate(() => void this.engine.advance(campaign.campaignId));
    return this.get({ campaignId: campaign.campaignId });
  }

  async get(req: { campaignId: string; state?: string; limit?: number; offset?: number }): Promise<ServiceReply<CampaignRecord>> {
    const state =
      req.state === undefined ? undefined : (CAMPAIGN_CHARGER_STATES as readonly string[]).includes(req.state) ? (req.state as CampaignChargerState) : null;
    if (state === null) return invalid('state', 'isIn', `must be one of ${CAMPAIGN_CHARGER_STATES.join(', ')}`);
    const campaign = await this.store.get(req.campaignId);
    if (!campaign) return refuse(404, 'unknown_campaign', `no firmware campaign ${req.campaignId}`);
    const limit = Math.min(req.limit ?? DEFAULT_PAGE, MAX_CAMPAIGN_PAGE);
    const offset = req.offset ?? 0;
    const page = await this.store.chargers(req.campaignId, state, limit, offset);
    return ok({ ...campaign, counts: await this.store.counts(req.campaignId), chargers: { ...page, limit, offset } });
  }

  async list(req: {
    state?: string;
    limit?: number;
    offset?: number;
  }): Promise<ServiceReply<{ items: CampaignView[]; total: number; limit: number; offset: number }>> {
    const state = req.state === undefined ? undefined : (CAMPAIGN_STATES as readonly string[]).includes(req.state) ? (req.state as CampaignState) : null;
    if (state === null) return invalid('state', 'isIn', `must be one of ${CAMPAIGN_STATES.join(', ')}`);
    const limit = Math.min(req.limit ?? 50, MAX_CAMPAIGN_PAGE);
    const offset = req.offset ?? 0;
    return ok({ ...(await this.store.list(state, limit, offset)), limit, offset });
  }

  async pause(campaignId: string, note?: string): Promise<ServiceReply<CampaignRecord>> {
    return this.transition(campaignId, ['running'], 'paused', {
      pausedReason: { code: 'operator', message: note ? `paused by an operator: ${note}` : 'paused by an operator' },
    });
  }

  /** Resumes past the wave that paused it: that wave's failure rate is accepted by the operator. */
  async resume(campaignId: string): Promise<ServiceReply<CampaignRecord>> {
    const campaign = await this.store.get(campaignId);
    const wave = campaign?.pausedReason?.wave;
    const reply = await this.transition(campaignId, ['paused'], 'running', wave !== undefined ? { acceptedWave: wave } : {});
    if (reply.ok) void this.engine.advance(campaignId);
    return reply;
  }

  /** Cancels what has not reached a charger: pending chargers, and queued UpdateFirmware commands still pending in the queue. */
  async cancel(campaignId: string, actor: string): Promise<ServiceReply<CampaignRecord>> {
    const reply = await this.transition(campaignId, ['running', 'paused'], 'cancelled');
    if (!reply.ok) return reply;
    const cancelled: string[] = [];
    for (const commandId of await this.store.queuedCommandIds(campaignId)) {
      // 409 not_pending: being delivered or delivered already: the charger has it, it is followed to the end.
      if ((await this.queue.cancel(commandId, actor)).ok) cancelled.push(commandId);
    }
    await this.store.cancelRemaining(campaignId, cancelled);
    return this.get({ campaignId });
  }

  private async transition(
    campaignId: string,
    from: CampaignState[],
    to: CampaignState,
    extra: Parameters<FirmwareCampaignStore['setState']>[3] = {},
  ): Promise<ServiceReply<CampaignRecord>> {
    const moved = await this.store.setState(campaignId, from, to, extra);
    if (!moved) {
      const now = await this.store.get(campaignId);
      if (!now) return refuse(404, 'unknown_campaign', `no firmware campaign ${campaignId}`);
      return refuse(409, 'invalid_campaign_state', `firmware campaign ${campaignId} is ${now.state}: it must be ${from.join(' or ')} to become ${to}`);
    }
    return this.get({ campaignId });
  }
}
