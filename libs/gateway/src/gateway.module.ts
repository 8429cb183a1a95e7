import { Module, type DynamicModule } from '@nestjs/common';
import { CommandsController } from './api/commands.controller.js';
import { DeadLettersController } from './api/dead-letters.controller.js';
import { DiagnosticsApiController } from './diagnostics/diagnostics-api.controller.js';
import { UploadController } from './diagnostics/upload.controller.js';
import { GATEWAY_OPTIONS, type GatewayOptions } from './gateway-options.js';
import { GatewayService } from './gateway.service.js';

/** Charger sockets, the command endpoint, diagnostics uploads and the dead letters. Expects BusModule (the BUS token) in the application. */
@Module({})
export class GatewayModule {
  static forRoot(options: GatewayOptions): DynamicModule {
    return {
      module: GatewayModule,
      controllers: [CommandsController, DeadLettersController, DiagnosticsApiController, UploadController],
      providers: [{ provide: GATEWAY_OPTIONS, useValue: options }, GatewayService],
      exports: [GatewayService],
    };
  }
}
