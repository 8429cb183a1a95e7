/**
 * A firmware campaign's rules as pure functions (docs/reference/design-decisions.md#firmware-campaigns): the
 * per-charger state machine fed by FirmwareStatusNotification and BootNotification, and the wave decisions.
 */
export const CAMPAIGN_STATES = ['running', 'paused', 'cancelled', 'completed'] as const;
export type CampaignState = (typeof CAMPAIGN_STATES)[number];

export const CAMPAIGN_CHARGER_STATES = [
  'pending',
  'not-applicable',
  'queued',
  'downloading',
  'downloaded',
  'installing',
  'installed',
  'succeeded',
  'failed',
  'cancelled',
] as const;
export type CampaignChargerState = (typeof CAMPAIGN_CHARGER_STATES)[number];

/** Sent and not finished: the charger is working on it (or the queue is still delivering it). */
export const ACTIVE_STATES: readonly CampaignChargerState[] = ['queued', 'downloading', 'downloaded', 'installing', 'installed'];

export interface RolloutPolicy {
  /** Chargers per wave: a wave starts when the previous one finished and its failure rate passed. */
  waveSize?: number;
  /** Chargers updating at once; failure rates are judged per block of this many chargers. */
  maxConcurrent?: number;
  /** A judged block failing more than this percent pauses the campaign. */
  failureThresholdPct: number;
  /** A charger that stays in one state longer than this (after delivery) fails with reason timeout. */
  perChargerTimeoutS: number;
}

/** The block a charger's failures are judged in (its wave), by its position in the campaign. */
export function waveOf(policy: RolloutPolicy, seq: number): number {
  return Math.floor(seq / (policy.waveSize ?? policy.maxConcurrent ?? 1));
}

export interface Transition {
  state: CampaignChargerState;
  reason?: string;
}

const BY_STATUS: Record<string, Transition> = {
  Downloading: { state: 'downloading' },
  Downloaded: { state: 'downloaded' },
  Installing: { state: 'installing' },
  Installed: { state: 'installed' },
  DownloadFailed: { state: 'failed', reason: 'download-failed' },
  InstallationFailed: { state: 'failed', reason: 'installation-failed' },
  // SignedFirmwareStatusNotification only (docs/reference/protocol-notes.md#signed-firmware): waiting for the
  // retrieve time, or a paused download, is still downloading; waiting for the install time is still downloaded
  // (a boot meanwhile, on the old version, must not fail it); a reboot is part of installing.
  DownloadScheduled: { state: 'downloading' },
  DownloadPaused: { state: 'downloading' },
  InstallScheduled: { state: 'downloaded' },
  InstallRebooting: { state: 'installing' },
  InvalidSignature: { state: 'failed', reason: 'invalid-signature' },
  InstallVerificationFailed: { state: 'failed', reason: 'install-verification-failed' },
};

/**
 * A FirmwareStatusNotification or SignedFirmwareStatusNotification moves an active charger (OCPP 1.6 §4.5,
 * docs/reference/protocol-notes.md#signed-firmware). Idle (the answer to a TriggerMessage when nothing runs) and
 * SignatureVerified (between Downloaded and Installing) move nothing: they are kept as the last status only.
 * Installed is not success: the next boot decides.
 */
export function afterFirmwareStatus(state: CampaignChargerState, status: string, bootedOnTarget = false): Transition | undefined {
  if (!ACTIVE_STATES.includes(state)) return undefined;
  const next = BY_STATUS[status];
  // `bootedOnTarget`: the charger has booted on the target version since it was sent the command. An Installing or
  // Installed it sent before that reboot can be handled after the boot (the durable notifications may be overtaken
  // by the boot's request/reply, and the boot itself confirmed nothing while the queue had not yet recorded the
  // delivery): the boot it announces has already happened, so it is the success.
  if (next && bootedOnTarget && (next.state === 'installing' || next.state === 'installed')) return { state: 'succeeded' };
  return next && next.state !== state ? next : undefined;
}

/**
 * A BootNotification confirms success only when it reports the target version and the charger has the command:
 * it reported progress, or the queue delivered UpdateFirmware (`delivered`; the boot's request/reply may overtake
 * the durable FirmwareStatusNotifications before it). A boot while the command still waits in the queue is the
 * offline charger coming back to receive it. After Installing or Installed, a boot with another version means
 * the installation did not take.
 */
export function afterBoot(state: CampaignChargerState, firmwareVersion: string | undefined, targetVersion: string, delivered: boolean): Transition | undefined {
  if (!ACTIVE_STATES.includes(state) || (state === 'queued' && !delivered)) return undefined;
  if (firmwareVersion === targetVersion) return { state: 'succeeded' };
  if (state === 'installing' || state === 'installed') return { state: 'failed', reason: `booted-with-other-version:${firmwareVersion ?? 'none'}` };
  return undefined;
}

export interface WaveCounts {
  wave: number;
  pending: number;
  active: number;
  succeeded: number;
  failed: number;
}

export interface RolloutDecision {
  /** The highest wave whose failure rate is now judged acceptable (unchanged when none was judged). */
  acceptedWave: number;
  pause?: { wave: number; failurePct: number; failed: number; finished: number };
  /** Start this many pending chargers, of this wave only when given. */
  start?: { count: number; wave?: number };
  complete?: boolean;
}

const done = (w: WaveCounts): boolean => w.pending === 0 && w.active === 0;

/**
 * What a running campaign does next. Finished waves are judged in order (a wave after an unfinished one waits
 * its turn): the first failing more than the threshold pauses the campaign. Waves: the first unfinished wave's
 * pending chargers start (all at once). maxConcurrent: pending chargers start while fewer than that are active.
 */
export function decide(policy: RolloutPolicy, acceptedWave: number, waves: readonly WaveCounts[]): RolloutDecision {
  const ordered = [...waves].sort((a, b) => a.wave - b.wave);
  let accepted = acceptedWave;
  for (const w of ordered) {
    if (w.wave <= accepted) continue;
    if (!done(w)) break;
    const finished = w.succeeded + w.failed;
    const failurePct = finished === 0 ? 0 : (w.failed * 100) / finished;
    if (failurePct > policy.failureThresholdPct) return { acceptedWave: accepted, pause: { wave: w.wave, failurePct, failed: w.failed, finished } };
    accepted = w.wave;
  }
  if (ordered.every(done)) return { acceptedWave: accepted, complete: true };
  if (policy.waveSize !== undefined) {
    const current = ordered.find((w) => !done(w));
    if (!current || current.pending === 0) return { acceptedWave: accepted };
    return { acceptedWave: accepted, start: { count: current.pending, wave: current.wave } };
  }
  const active = ordered.reduce((n, w) => n + w.active, 0);
  const pending = ordered.reduce((n, w) => n + w.pending, 0);
  const room = Math.min(pending, (policy.maxConcurrent ?? 1) - active);
  return room > 0 ? { acceptedWave: accepted, start: { count: room } } : { acceptedWave: accepted };
}
