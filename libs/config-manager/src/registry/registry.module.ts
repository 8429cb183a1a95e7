import { Logger, Module } from '@nestjs/common';
import type { DataSource } from 'typeorm';
import { DATA_SOURCE } from '#csms/persistence';
import { ConnectionsService } from './connections.service.js';
import { RegistryController } from './registry.controller.js';
import { RegistryService } from './registry.service.js';

/** Which chargers exist, their model, last boot and connection. Exports RegistryService for other parts. */
@Module({
  controllers: [RegistryController],
  providers: [
    { provide: ConnectionsService, inject: [DATA_SOURCE], useFactory: (db: DataSource) => new ConnectionsService(db, new Logger('ConnectionsService')) },
    { provide: RegistryService, inject: [DATA_SOURCE], useFactory: (db: DataSource) => new RegistryService(db) },
  ],
  exports: [RegistryService],
})
export class RegistryModule {}
