import { Inject, Injectable, Logger, Optional } from '@nestjs/common';
import type { SignedUpdateFirmwareRequest, UpdateFirmwareRequest } from '#csms/ocpp';
import { applyToLatest } from '#csms/persistence';
import { QueuedCommandService } from '../queued/queued.service.js';
import { afterBoot, afterFirmwareStatus, decide, type Transition } from './rollout.js';
import { FirmwareCampaignStore, type ActiveRow, type CampaignView } from './store.js';

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
      await this.onLatest(row, async (r) => {
        if (requestId !== undefined && r.requestId !== requestId) return true;
        const next = afterFirmwareStatus(r.state, status, r.bootedOnTarget);
        if (next) return this.moved(r, next, status);
        await this.store.noteStatus(r.campaignId, chargerId, status);
        return true;
      });
    }
  }

  async onBoot(chargerId: string, firmwareVersion: string | undefined): Promise<void> {
    if (!(await this.store.hasActive.add(chargerId))) return;
    for (const row of await this.store.activeRows(chargerId)) {
      await this.onLatest(row, async (r) => {
        const next = afterBoot(r.state, firmwareVersion, r.targetVersion, r.delivered);
        return next ? this.moved(r, next) : true;
      });
    }
  }

  /**
   * A charger's boot and its notifications are handled side by side (the boot's request/reply, the durable
   * notifications, on any replica): a rule applied to a row that moved meanwhile is applied again to the row as
   * it is now, so a boot on the target version read while the row was `downloading`, and a `Downloaded` written
   * just before, still ends in success.
   */
  private async onLatest(first: ActiveRow, apply: (row: ActiveRow) => Promise<boolean>): Promise<void> {
    await applyToLatest(
      first,
      apply,
      async () => (await this.store.activeRows(first.chargerId)).find((r) => r.campaignId === first.campaignId),
      `firmware campaign ${first.campaignId} charger ${first.chargerId}`,
    );
  }

  /** False when something else moved the row first. */
  private async moved(row: ActiveRow, to: Transition, status?: string): Promise<boolean> {
    if (!(await this.store.move(row.campaignId, row.chargerId, row.state, to, status))) return false;
    void this.advance(row.campaignId);
    return true;
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
