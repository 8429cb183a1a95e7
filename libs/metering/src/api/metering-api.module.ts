import { Module } from '@nestjs/common';
import { MeteringApiController } from './metering-api.controller.js';

/** The metering HTTP routes, mounted in the gateway (needs the BUS provider). */
@Module({ controllers: [MeteringApiController] })
export class MeteringApiModule {}
