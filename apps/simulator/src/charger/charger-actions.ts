// Physical actions on a simulated charger: cable, RFID, reboot, network drop, rekey reconnect.
import type { ChargerHands, ChargerPort } from './charger-port.js';

/** Whether the tag may charge, and its parentIdTag when the CSMS told it (a reservation may be for the parent). */
async function authorize(c: ChargerPort, idTag: string): Promise<{ ok: boolean; parentIdTag?: string }> {
  if (c.state !== 'booted') {
    // Offline: LocalAuthorizeOffline decides (no local list/cache is simulated: any tag is taken as valid).
    return { ok: c.keys.getBool('LocalAuthorizeOffline') };
  }
  try {
    const r = (await c.call('Authorize', { idTag })) as { idTagInfo?: { status?: string; parentIdTag?: string } };
    return { ok: r.idTagInfo?.status === 'Accepted', parentIdTag: r.idTagInfo?.parentIdTag };
  } catch {
    return { ok: c.keys.getBool('LocalAuthorizeOffline') };
  }
}

/**
 * Starts for this tag unless the connector is reserved for someone else (OCPP 1.6 §5.13); the reserved driver's
 * StartTransaction carries the reservationId.
 */
function startFor(c: ChargerPort, idTag: string, parentIdTag?: string): boolean {
  const claim = c.reservation.claim(idTag, parentIdTag);
  if (!claim.allowed) {
    c.emit('reservedForOther', idTag);
    return false;
  }
  c.transactions.start(idTag, claim.reservationId);
  return true;
}

function canStart(c: ChargerPort): boolean {
  return c.isPlugged && c.isOperative && !c.transactions.active;
}

export async function plugIn(c: ChargerPort, i: ChargerHands, idTag?: string): Promise<void> {
  if (c.isPlugged) return;
  i.setPlugged(true);
  // A reserved connector stays Reserved until its driver starts.
  if (!c.reservation.current) c.setStatus('Preparing');
  if (!c.isOperative) return;
  const pending = i.pendingRemoteStart();
  if (pending) {
    c.clock.clearTimeout(pending.timer);
    i.setPendingRemoteStart(undefined);
    startFor(c, pending.idTag);
    return;
  }
  if (c.preset.hasFreeCharging && c.keys.getBool('FreeCharging') && !c.reservation.current) {
    // docs/reference/zaptec-facts.md#freecharging-and-freechargingidtag: no authorization; StartTransaction carries FreeChargingIdTag.
    c.transactions.start(c.keys.get('FreeChargingIdTag') ?? '');
    return;
  }
  if (idTag !== undefined) await presentIdTag(c, idTag);
}

export async function presentIdTag(c: ChargerPort, idTag: string): Promise<void> {
  const active = c.transactions.active;
  if (active) {
    if (active.idTag === idTag) c.transactions.stop('Local', idTag);
    return;
  }
  if (!canStart(c)) return;
  const auth = await authorize(c, idTag);
  if (!auth.ok) {
    c.emit('authorizeRejected', idTag);
    return;
  }
  if (canStart(c)) startFor(c, idTag, auth.parentIdTag);
}

export function unplug(c: ChargerPort, i: ChargerHands): void {
  if (!c.isPlugged) return;
  i.setPlugged(false);
  if (c.transactions.active) {
    if (c.keys.getBool('StopTransactionOnEVSideDisconnect')) c.transactions.stop('EVDisconnected');
    else c.setStatus('SuspendedEV');
    if (c.transactions.active) return;
  }
  c.setStatus(!c.isOperative ? 'Unavailable' : c.reservation.current ? 'Reserved' : 'Available');
}

/** RemoteStartTransaction: start now if the cable is in, else wait ConnectionTimeOut for it. */
export function acceptRemoteStart(c: ChargerPort, i: ChargerHands, idTag: string): boolean {
  if (!c.isOperative || c.transactions.active) return false;
  const run = async (): Promise<void> => {
    if (c.keys.getBool('AuthorizeRemoteTxRequests') && !(await authorize(c, idTag)).ok) return;
    if (canStart(c)) {
      startFor(c, idTag);
      return;
    }
    const old = i.pendingRemoteStart();
    if (old) c.clock.clearTimeout(old.timer);
    const timer = c.clock.setTimeout(() => i.setPendingRemoteStart(undefined), c.keys.getInt('ConnectionTimeOut') * 1000);
    i.setPendingRemoteStart({ idTag, timer });
  };
  void run();
  return true;
}

function sleep(c: ChargerPort, ms: number): Promise<void> {
  return new Promise((resolve) => c.clock.setTimeout(resolve, ms));
}

export async function reboot(c: ChargerPort, i: ChargerHands, kind: 'Hard' | 'Soft'): Promise<void> {
  if (c.transactions.active) c.transactions.stop(kind === 'Hard' ? 'HardReset' : 'SoftReset');
  c.chargingProfiles.clearAll();
  i.setOffline(true);
  await i.closeLink(kind === 'Hard');
  await sleep(c, c.options.rebootDelayMs ?? 2000);
  i.setOffline(false);
  if (i.isRunning()) await i.connect();
}

export async function dropNetwork(c: ChargerPort, i: ChargerHands, offlineMs: number): Promise<void> {
  i.setOffline(true);
  await i.closeLink(true);
  await sleep(c, offlineMs);
  i.setOffline(false);
  if (i.isRunning()) await i.connect();
}

export async function reconnect(c: ChargerPort, i: ChargerHands): Promise<void> {
  i.setOffline(true);
  await i.closeLink(false);
  i.setOffline(false);
  if (i.isRunning()) await i.connect();
}
