import { Module } from '@nestjs/common';
import { ChargersController } from './chargers.controller.js';

/**
 * The registry's HTTP routes, mounted by the gateway (which provides BUS and the global validation pipe).
 * Holds no service logic: every route asks config-manager (and metering) over the bus.
 */
@Module({ controllers: [ChargersController] })
export class RegistryApiModule {}
