import { Inject, Injectable, Logger, Optional } from '@nestjs/common';
import type { SignedUpdateFirmwareRequest, UpdateFirmwareRequest } from '#csms/ocpp';
import { QueuedCommandService } from '../queued/queued.service.js';
import { afterBoot, afterFirmwareStatus, decide, type Transition } from './rollout.js';
import { FirmwareCampaignStore, type CampaignView } from './store.js';

/** How long one replica may advance a campaign before another may take over (it died mid-advance). */
const LEASE_MS = 30_000;

/**
 * Moves campaigns forward (docs/reference/design-decisions.md#firmware-campaigns): chargers from their
 * FirmwareStatusNotifications (SignedFirmwareStatusNotifications for a signed campaign) and boots, campaigns by
 * judging finished waves and starting the next chargers. UpdateFirmware or SignedUpdateFirmware goes out through
 * the queued-command queue, so an offline charger gets it after its next boot.
 */
@Injectable()
export class FirmwareCampaignEngine {
  private readonly advancing = new Map<string, Promise<void>>();
  private readonly again = new Set<string>();

  constructor(
    @Inject(FirmwareCampaignStore) private readonly store: FirmwareCampaignStore,
    @Inject(QueuedCommandService) private readonly queue: QueuedCommandService,
    @Optional() private readonly log: Pick<Logger, 'warn'> = new Logger('FirmwareCampaigns'),
  ) {}

  /**
   * `requestId`: a SignedFirmwareStatusNotification's, which only moves the row whose SignedUpdateFirmware
   * carried it (an earlier request's late notification moves nothing).
   */
  async onFirmwareStatus(chargerId: string, status: string, requestId?: number): Promise<void> {
    if (!(await this.store.hasActive.add(chargerId))) return;
    for (const row of await this.store.activeRows(chargerId)) {
      if (requestId !== undefined && row.requestId !== requestId) continue;
      const next = afterFirmwareStatus(row.state, status, row.bootedOnTarget);
      if (!next) await this.store.noteStatus(row.campaignId, chargerId, status);
      else await this.moved(row.campaignId, chargerId, row.state, next, status);
    }
  }

  async onBoot(chargerId: string, firmwareVersion: string | undefined): Promise<void> {
    if (!(await this.store.hasActive.add(chargerId))) return;
    for (const row of await this.store.activeRows(chargerId)) {
      const next = afterBoot(row.state, firmwareVersion, row.targetVersion, row.delivered);
      if (next) await this.moved(row.campaignId, chargerId, row.state, next);
    }
  }

  private async moved(campaignId: string, chargerId: string, from: Transition['state'], to: Transition, status?: string): Promise<void> {
    if (await this.store.move(campaignId, chargerId, from, to, status)) void this.advance(campaignId);
  }

  /** Advances every running campaign (the sweep). */
  async sweep(): Promise<void> {
    for (const id of await this.store.runningIds()) await this.advance(id);
  }

  /** One advance per campaign at a time in this process (a request meanwhile runs once more after it). */
  advance(campaignId: string): Promise<void> {
    const running = this.advancing.get(campaignId);
    if (running) {
      this.again.add(campaignId);
      return running;
    }
    const run = this.advanceOnce(campaignId)
      .catch((err: unknown) => this.log.warn(`firmware campaign ${campaignId} not advanced now: ${err instanceof Error ? err.message : String(err)}`))
      .finally(() => {
        this.advancing.delete(campaignId);
        if (this.again.delete(campaignId)) void this.advance(campaignId);
      });
    this.advancing.set(campaignId, run);
    return run;
  }

  /** Resolves when no advance runs in this process (tests, shutdown). */
  async idle(): Promise<void> {
    while (this.advancing.size > 0) await Promise.all([...this.advancing.values()]);
  }

  private async advanceOnce(campaignId: string): Promise<void> {
    if (!(await this.store.lease(campaignId, LEASE_MS))) return;
    try {
      const campaign = await this.store.get(campaignId);
      if (!campaign || campaign.state !== 'running') return;
      await this.store.failOverdue(campaignId);
      const decision = decide(campaign.policy, campaign.acceptedWave, await this.store.waveCounts(campaignId));
      if (decision.acceptedWave > campaign.acceptedWave) await this.store.setAcceptedWave(campaignId, decision.acceptedWave);
      if (decision.pause) {
        const p = decision.pause;
        await this.store.setState(campaignId, ['running'], 'paused', {
          pausedReason: {
            code: 'failure_threshold',
            wave: p.wave,
            failurePct: Math.round(p.failurePct * 100) / 100,
            message: `wave ${p.wave}: ${p.failed} of ${p.finished} chargers failed (${p.failurePct.toFixed(1)}%), more than the policy's ${campaign.policy.failureThresholdPct}%`,
          },
        });
        return;
      }
      if (decision.complete) {
        await this.store.setState(campaignId, ['running'], 'completed');
        return;
      }
      if (decision.start) await this.start(campaign, decision.start.count, decision.start.wave);
    } finally {
      await this.store.release(campaignId);
    }
  }

  private async start(campaign: CampaignView, count: number, wave: number | undefined): Promise<void> {
    const retry = {
      ...(campaign.retries !== null ? { retries: campaign.retries } : {}),
      ...(campaign.retryInterval !== null ? { retryInterval: campaign.retryInterval } : {}),
    };
    const signed = campaign.signedFirmware;
    for (const { chargerId, commandId, requestId } of await this.store.claimPending(campaign.campaignId, count, wave, signed !== null)) {
      const command =
        signed !== null
          ? {
              action: 'SignedUpdateFirmware' as const,
              payload: {
                // claimPending allocates one for every claim of a signed campaign.
                requestId: requestId as number,
                firmware: { location: campaign.location, retrieveDateTime: campaign.retrieveDate, ...signed },
                ...retry,
              } satisfies SignedUpdateFirmwareRequest,
            }
          : {
              action: 'UpdateFirmware' as const,
              payload: { location: campaign.location, retrieveDate: campaign.retrieveDate, ...retry } satisfies UpdateFirmwareRequest,
            };
      const reply = await this.queue.queue({
        commandId,
        chargerId,
        ...command,
        requestedBy: campaign.createdBy ?? `firmware-campaign:${campaign.campaignId}`,
      });
      if (!reply.ok) await this.store.move(campaign.campaignId, chargerId, 'queued', { state: 'failed', reason: `not-queued:${reply.body.error}` });
    }
  }
}
