import { Logger } from '@nestjs/common';
import { afterEachBoot } from '../registration/after-boot.js';
import type { BootService } from '../registration/boot.service.js';
import type { ChargerStateStore } from '../desired/charger-state.store.js';
import type { Reconciler } from '../desired/reconciler.js';

/**
 * docs/reference/design-decisions.md#boot-provisioning: after every BootNotification, reconcile the charger, which
 * brings HeartbeatInterval,
 * MeterValueSampleInterval, MeterValuesSampledData and ClockAlignedDataInterval (a Zaptec model's level) to the desired
 * values. The reboot also ends every "pending reboot": the new read shows whether those keys took effect.
 * Not inline: the charger must have its BootNotification answer before we address it (docs/reference/protocol-notes.md#boot-states), and
 * BootService calls listeners before the reply leaves, so the reconciliation starts `delayMs` later.
 * A Rejected charger is not addressed at all (docs/reference/protocol-notes.md#boot-states: while Rejected the CSMS should send nothing).
 */
export function registerBootProvisioning(
  boots: BootService,
  state: ChargerStateStore,
  reconciler: Reconciler,
  delayMs: number,
  log: Pick<Logger, 'warn'> = new Logger('BootProvisioning'),
): { stop(): void } {
  return afterEachBoot(
    boots,
    { when: (b) => b.status !== 'Rejected', delayMs, what: 'boot provisioning', atBoot: (b) => state.clearRebootPending(b.chargerId), log },
    (chargerId) => reconciler.request(chargerId),
  );
}
