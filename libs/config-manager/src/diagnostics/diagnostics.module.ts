import { Module } from '@nestjs/common';
import { DiagnosticsBusController } from './diagnostics.controller.js';
import { DiagnosticsService } from './diagnostics.service.js';
import { DiagnosticsStore } from './store.js';

/**
 * Diagnostics and log uploads (docs/reference/design-decisions.md#diagnostics-uploads): here because
 * config-manager owns the per-charger state the API reads and has the database; the gateway only relays.
 */
@Module({
  controllers: [DiagnosticsBusController],
  providers: [DiagnosticsStore, DiagnosticsService],
})
export class DiagnosticsModule {}
