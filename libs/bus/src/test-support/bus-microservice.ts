import 'reflect-metadata';
import { Module, type INestMicroservice, type Type } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { InProcessBus } from '../in-process/in-process-bus.js';
import { BusModule } from '../nest/bus.module.js';
import { BusTransport } from '../nest/bus-transport.js';

/** A Nest microservice serving `controllers` through BusTransport on a fresh InProcessBus (the bus specs' set-up). */
export async function startBusMicroservice(controllers: Type[]): Promise<{ bus: InProcessBus; app: INestMicroservice; close(): Promise<void> }> {
  const bus = await InProcessBus.open();
  @Module({ imports: [BusModule.forRoot(bus)], controllers })
  class TestModule {}
  const app = await NestFactory.createMicroservice(TestModule, { strategy: new BusTransport(bus, 'test'), logger: false });
  await app.listen();
  return {
    bus,
    app,
    close: async () => {
      await app.close();
      await bus.close();
    },
  };
}
