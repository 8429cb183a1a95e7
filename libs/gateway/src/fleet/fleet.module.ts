import { Inject, Module, type OnModuleInit } from '@nestjs/common';
import { CommandWindow } from './command-window.js';
import { FleetSummaryController } from './fleet-summary.controller.js';

/** GET /api/v1/fleet/summary. Expects BusModule (the BUS token) in the application. */
@Module({
  controllers: [FleetSummaryController],
  providers: [CommandWindow],
})
export class FleetModule implements OnModuleInit {
  constructor(@Inject(CommandWindow) private readonly window: CommandWindow) {}

  onModuleInit(): void {
    // not awaited: the API does not wait for the command counts (NATS may still be connecting)
    void this.window.start();
  }
}
