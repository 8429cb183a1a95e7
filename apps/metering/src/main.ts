import { METERING_MIGRATIONS, MeteringModule } from '#csms/metering';
import { main } from '#csms/runtime';

main({
  name: 'metering',
  needsDatabase: true,
  allowInProcessBus: false,
  openApi: false,
  migrations: METERING_MIGRATIONS,
  modules: (config) => [MeteringModule.forRoot({ meterValuesRetentionDays: config.meterValuesRetentionDays })],
});
