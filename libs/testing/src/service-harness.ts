import { Module, type DynamicModule, type INestApplication, type INestMicroservice, type Type } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { DataSource } from 'typeorm';
import { BusModule, BusTransport, type Bus } from '#csms/bus';
import { apiValidationPipe } from '#csms/http';
import { PersistenceModule } from '#csms/persistence';

export interface ServiceHarness {
  service: INestMicroservice;
  http: INestApplication;
  /** http://127.0.0.1:<port>/api/v1 */
  apiBase: string;
  /** Closes the HTTP side, then the service (the bus and database stay the caller's). */
  close(): Promise<void>;
}

/**
 * A service wired the way production wires it, for module-level tests: its module as a Nest microservice
 * on the given bus (BusTransport, real handlers) with its database, and its API module in a separate HTTP
 * application that only reaches the service over the bus, as the gateway does.
 */
export async function startServiceHarness(options: {
  bus: Bus;
  db: DataSource;
  serviceName: string;
  service: Type | DynamicModule;
  api: Array<Type | DynamicModule>;
}): Promise<ServiceHarness> {
  @Module({ imports: [PersistenceModule.forDataSource(options.db), BusModule.forRoot(options.bus), options.service] })
  class ServiceApp {}
  @Module({ imports: [BusModule.forRoot(options.bus), ...options.api] })
  class GatewayApp {}
  const service = await NestFactory.createMicroservice(ServiceApp, { strategy: new BusTransport(options.bus, options.serviceName), logger: false });
  await service.listen();
  const http = await NestFactory.create(GatewayApp, { logger: false });
  http.useGlobalPipes(apiValidationPipe());
  await http.listen(0, '127.0.0.1');
  const apiBase = `${await http.getUrl()}/api/v1`.replace('[::1]', '127.0.0.1');
  return {
    service,
    http,
    apiBase,
    close: async () => {
      await http.close();
      await service.close();
    },
  };
}
