import { Global, Module, type DynamicModule } from '@nestjs/common';
import type { DataSource } from 'typeorm';

/** Nest injection token of the process's TypeORM DataSource. */
export const DATA_SOURCE = Symbol.for('csms.data-source');

/**
 * Makes one already-opened DataSource available to every module of the process. The bootstrap opens it
 * (with the migrations of the services it runs) before creating the Nest application, so a
 * database that cannot be reached stops start-up with a clear message instead of a half-started app.
 */
@Global()
@Module({})
export class PersistenceModule {
  static forDataSource(dataSource: DataSource): DynamicModule {
    return { module: PersistenceModule, providers: [{ provide: DATA_SOURCE, useValue: dataSource }], exports: [DATA_SOURCE] };
  }
}
