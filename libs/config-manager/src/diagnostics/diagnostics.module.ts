import { Module } from '@nestjs/common';
import type { DataSource } from 'typeorm';
import { BUS, type Bus } from '#csms/bus';
import { DATA_SOURCE } from '#csms/persistence';
import { DiagnosticsBusController } from './diagnostics.controller.js';
import { DiagnosticsService } from './diagnostics.service.js';
import { DiagnosticsStore } from './store.js';

/**
 * Diagnostics and log uploads (docs/reference/design-decisions.md#diagnostics-uploads): here because
 * config-manager owns the per-charger state the API reads and has the database; the gateway only relays.
 */
@Module({
  controllers: [DiagnosticsBusController],
  providers: [
    { provide: DiagnosticsStore, inject: [DATA_SOURCE], useFactory: (db: DataSource) => new DiagnosticsStore(db) },
    { provide: DiagnosticsService, inject: [DiagnosticsStore, BUS], useFactory: (s: DiagnosticsStore, bus: Bus) => new DiagnosticsService(s, bus) },
  ],
})
export class DiagnosticsModule {}
