/** Options of the desired-state part, given to `ConfigManagerModule.forRoot` beside the registry's. */
export interface DesiredConfigurationOptions {
  /** Send a Reset (Soft) when a ChangeConfiguration answered RebootRequired. Default false: shown as pending reboot. */
  resetOnRebootRequired?: boolean;
  /** Re-check (GetConfiguration + correct drift) of every connected charger this often. Default 6 h; 0 = off. */
  recheckIntervalMs?: number;
  /** Timeout of each GetConfiguration / ChangeConfiguration sent during reconciliation. Default 20 s. */
  commandTimeoutMs?: number;
  /**
   * Delay between a BootNotification and its reconciliation, so the charger has its answer first
   * (docs/reference/protocol-notes.md#boot-states).
   */
  bootReconcileDelayMs?: number;
  /**
   * Delay between a connection event and its reconciliation. A charger that reboots connects and then sends
   * BootNotification; the reconciliation after the boot then covers the connection too, and nothing is sent
   * to a charger before it had the chance to boot (docs/reference/protocol-notes.md#boot-states). Default 5 s.
   */
  connectReconcileDelayMs?: number;
  /** At most this many chargers reconciled at once by one process. Default 20. */
  maxConcurrentReconciliations?: number;
  /**
   * The HeartbeatInterval the Zaptec models' levels start with (s). The process's HEARTBEAT_INTERVAL_S, so that one
   * setting decides both the BootNotification interval and the key the reconciler brings Zaptec chargers to. A
   * generic charger gets only the BootNotification interval (OCPP 1.6 §4.2: it adjusts its heartbeat to it).
   */
  zaptecHeartbeatIntervalS?: number;
  /**
   * Seed each Zaptec model's level with the profile's billing defaults at start (docs/reference/design-decisions.md#boot-provisioning).
   * Default true; false leaves the levels to the operator.
   */
  seedModelDefaults?: boolean;
  /** An Accepted BootNotification's interval is the charger's effective desired HeartbeatInterval. Default true. */
  bootIntervalFromDesired?: boolean;
}

export type ResolvedDesiredOptions = Required<Omit<DesiredConfigurationOptions, 'zaptecHeartbeatIntervalS'>> &
  Pick<DesiredConfigurationOptions, 'zaptecHeartbeatIntervalS'>;

export const DEFAULT_RECHECK_INTERVAL_MS = 6 * 60 * 60 * 1000;
export const DESIRED_OPTIONS = Symbol.for('csms.config-manager.desired-options');

export function resolveDesiredOptions(o: DesiredConfigurationOptions = {}): ResolvedDesiredOptions {
  return {
    resetOnRebootRequired: o.resetOnRebootRequired ?? false,
    recheckIntervalMs: o.recheckIntervalMs ?? DEFAULT_RECHECK_INTERVAL_MS,
    commandTimeoutMs: o.commandTimeoutMs ?? 20_000,
    bootReconcileDelayMs: o.bootReconcileDelayMs ?? 1_000,
    connectReconcileDelayMs: o.connectReconcileDelayMs ?? 5_000,
    maxConcurrentReconciliations: o.maxConcurrentReconciliations ?? 20,
    zaptecHeartbeatIntervalS: o.zaptecHeartbeatIntervalS,
    seedModelDefaults: o.seedModelDefaults ?? true,
    bootIntervalFromDesired: o.bootIntervalFromDesired ?? true,
  };
}
