import { Logger } from '@nestjs/common';
import type { BootedCharger, BootService } from '../registration/boot.service.js';
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
  const timers = new Set<NodeJS.Timeout>();
  let stopped = false;
  boots.onBooted(async (booted: BootedCharger) => {
    if (stopped || booted.status === 'Rejected') return;
    await state.clearRebootPending(booted.chargerId);
    const timer = setTimeout(() => {
      timers.delete(timer);
      reconciler
        .request(booted.chargerId)
        .catch((err: unknown) => log.warn(`boot provisioning of ${booted.chargerId} failed: ${err instanceof Error ? err.message : String(err)}`));
    }, delayMs);
    timers.add(timer);
  });
  return {
    stop: () => {
      stopped = true;
      for (const t of timers) clearTimeout(t);
      timers.clear();
    },
  };
}
