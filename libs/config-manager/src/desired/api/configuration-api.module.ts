import { Module } from '@nestjs/common';
import { ConfigurationController } from './configuration.controller.js';

/**
 * The desired-configuration HTTP routes, mounted by the gateway (which provides BUS and the global validation
 * pipe). Holds no service logic: every route asks config-manager over the bus.
 */
@Module({ controllers: [ConfigurationController] })
export class ConfigurationApiModule {}
