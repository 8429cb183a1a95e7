import { Controller, Inject, Logger } from '@nestjs/common';
import { Payload } from '@nestjs/microservices';
import { Answers, BUS, recordFact, type BootFact, type Bus, type ChargerMessage, type ChargerReply, type ResetLink, type ResetSentNote } from '#csms/bus';
import { ok, type ServiceReply } from '#csms/http';
import type { BootNotificationRequest, BootNotificationResponse, DataTransferRequest, DataTransferResponse } from '#csms/ocpp';
import { BootService } from './boot.service.js';
import { ResetLinks } from './reset-links.js';
import * as verbs from '../verbs.js';

/** Charger CALLs owned by config-manager (REQUEST_ACTIONS in #csms/bus). */
@Controller()
export class RegistrationController {
  private readonly log = new Logger('RegistrationController');

  constructor(
    @Inject(BootService) private readonly boots: BootService,
    @Inject(BUS) private readonly bus: Bus,
    @Inject(ResetLinks) private readonly resets: ResetLinks,
  ) {}

  /** A Reset sent and not answered (or Accepted): the charger's next boot is linked to it. */
  @Answers(verbs.noteReset)
  async noteReset(@Payload() note: ResetSentNote): Promise<ServiceReply<{ noted: true }>> {
    await this.resets.note(note);
    return ok({ noted: true });
  }

  @Answers(verbs.bootNotification)
  async bootNotification(@Payload() msg: ChargerMessage<BootNotificationRequest>): Promise<ChargerReply<BootNotificationResponse>> {
    let result: BootNotificationResponse;
    try {
      result = await this.boots.boot(msg);
    } catch (err) {
      // Only our own failure (database) lands here; the charger retries a CALLERROR'd BootNotification.
      this.log.error(`BootNotification of ${msg.chargerId} failed: ${err instanceof Error ? err.message : String(err)}`);
      return { error: { code: 'InternalError', description: 'BootNotification could not be recorded; retry later' } };
    }
    // Before the answer: the charger's next CALLs (StatusNotification) then follow it in the stream.
    const p = msg.payload;
    const afterReset = await this.resets.take(msg.chargerId, new Date(msg.receivedAt)).catch((err: unknown): ResetLink | undefined => {
      this.log.warn(`reset link of ${msg.chargerId}'s boot not read: ${err instanceof Error ? err.message : String(err)}`);
      return undefined;
    });
    if (afterReset)
      this.log.log(`${msg.chargerId} booted after Reset ${afterReset.type} ${afterReset.commandId} (${afterReset.outcome})`, {
        event: 'boot-after-reset',
        chargerId: msg.chargerId,
        ...afterReset,
      });
    const fact: BootFact = {
      chargerId: msg.chargerId,
      status: result.status,
      vendor: p.chargePointVendor,
      model: p.chargePointModel,
      firmwareVersion: p.firmwareVersion ?? null,
      serialNumber: p.chargePointSerialNumber ?? null,
      at: new Date().toISOString(),
      ...(afterReset ? { afterReset } : {}),
    };
    await recordFact(this.bus, msg.chargerId, 'Boot', fact, `${msg.chargerId}:${msg.messageId}:Boot`);
    return { result };
  }

  /**
   * We implement no vendor extension, so every DataTransfer is answered UnknownVendorId (OCPP 1.6 §4.3:
   * "UnknownVendorId: no vendor-specific implementation for this vendorId"). Zaptec's native OCPP mode needs
   * none: its own settings are ordinary configuration keys (docs/reference/zaptec-facts.md#zaptec-configuration-keys).
   */
  @Answers(verbs.dataTransfer)
  async dataTransfer(@Payload() msg: ChargerMessage<DataTransferRequest>): Promise<ChargerReply<DataTransferResponse>> {
    this.log.debug(`DataTransfer from ${msg.chargerId} (vendorId ${msg.payload.vendorId}) answered UnknownVendorId`);
    return { result: { status: 'UnknownVendorId' } };
  }
}
