import { Global, Module, type DynamicModule } from '@nestjs/common';
import type { Bus } from '../bus.js';
import { BUS } from './tokens.js';

/** Provides the process's one Bus as `BUS`, everywhere: `constructor(@Inject(BUS) private readonly bus: Bus)`. */
@Global()
@Module({})
export class BusModule {
  static forRoot(bus: Bus): DynamicModule {
    return { module: BusModule, global: true, providers: [{ provide: BUS, useValue: bus }], exports: [BUS] };
  }
}
