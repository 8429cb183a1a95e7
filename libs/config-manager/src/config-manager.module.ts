import { Module, type DynamicModule } from '@nestjs/common';
import { resolveConfigManagerOptions, type ConfigManagerOptions } from './config-manager.options.js';
import { RegistrationModule } from './registration/registration.module.js';
import { RegistryModule } from './registry/registry.module.js';
import { DesiredModule } from './desired/desired.module.js';
import { resolveDesiredOptions, type DesiredConfigurationOptions } from './desired/desired.options.js';
import { QueuedModule } from './queued/queued.module.js';
import { DiagnosticsModule } from './diagnostics/diagnostics.module.js';
import { FirmwareModule } from './firmware/firmware.module.js';
import { ChargingProfilesModule } from './charging-profiles/charging-profiles.module.js';
import { SiteLimitsModule } from './site-limits/site-limits.module.js';

/**
 * The config-manager service: one sub-module per part. A new part (desired-state configuration in
 * `desired/`) adds its module to `parts` below; it receives the same resolved options.
 * Needs the global DATA_SOURCE (PersistenceModule) and BUS (BusModule) providers.
 */
@Module({})
export class ConfigManagerModule {
  static forRoot(options: ConfigManagerOptions & DesiredConfigurationOptions = {}): DynamicModule {
    const resolved = resolveConfigManagerOptions(options);
    const registration = RegistrationModule.forRoot(resolved);
    const desired = resolveDesiredOptions({ zaptecHeartbeatIntervalS: options.heartbeatIntervalS, ...options });
    const queued = QueuedModule.forRoot(
      {
        commandTimeoutMs: desired.commandTimeoutMs,
        connectDelayMs: desired.connectReconcileDelayMs,
        bootDelayMs: desired.bootReconcileDelayMs,
        sweepIntervalMs: resolved.queuedSweepIntervalMs,
      },
      registration,
    );
    const firmware = FirmwareModule.forRoot({ sweepIntervalMs: resolved.queuedSweepIntervalMs }, registration, queued);
    const desiredPart = DesiredModule.forRoot(desired, registration);
    const profiles = ChargingProfilesModule.forRoot({ commandTimeoutMs: desired.commandTimeoutMs }, desiredPart);
    const siteLimits = SiteLimitsModule.forRoot(
      { bootDelayMs: desired.bootReconcileDelayMs, sweepIntervalMs: resolved.queuedSweepIntervalMs, commandTimeoutMs: desired.commandTimeoutMs },
      registration,
    );
    const parts = [RegistryModule, registration, desiredPart, queued, DiagnosticsModule, firmware, profiles, siteLimits];
    return { module: ConfigManagerModule, imports: parts, exports: parts };
  }
}
