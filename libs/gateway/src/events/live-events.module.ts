import { Module, type DynamicModule } from '@nestjs/common';
import { EventsController, LIVE_EVENT_LIMITS } from './events.controller.js';
import type { LiveEventLimits } from './live-event-session.js';

/** GET /api/v1/events. Expects BusModule (the BUS token) in the application. */
@Module({})
export class LiveEventsModule {
  static forRoot(limits: LiveEventLimits): DynamicModule {
    return { module: LiveEventsModule, controllers: [EventsController], providers: [{ provide: LIVE_EVENT_LIMITS, useValue: limits }] };
  }
}
