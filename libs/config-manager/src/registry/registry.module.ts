import { Module } from '@nestjs/common';
import { ConnectionsService } from './connections.service.js';
import { RegistryController } from './registry.controller.js';
import { RegistryService } from './registry.service.js';

/** Which chargers exist, their model, last boot and connection. Exports RegistryService for other parts. */
@Module({
  controllers: [RegistryController],
  providers: [ConnectionsService, RegistryService],
  exports: [RegistryService],
})
export class RegistryModule {}
