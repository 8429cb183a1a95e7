import { AUTH_MIGRATIONS, AUTH_TABLES } from '#csms/auth';
import { CONFIG_MANAGER_MIGRATIONS, CONFIG_MANAGER_TABLES } from '#csms/config-manager';
import { METERING_MIGRATIONS, METERING_TABLES } from '#csms/metering';

/** Every service's migrations, in the order the all-in-one process runs them. */
export const ALL_MIGRATIONS = [...AUTH_MIGRATIONS, ...CONFIG_MANAGER_MIGRATIONS, ...METERING_MIGRATIONS];

/** Every table the stores describe (libs/persistence/README.md): checked against ALL_MIGRATIONS by schema.spec.ts and schema.infra.ts. */
export const ALL_TABLES = [...AUTH_TABLES, ...CONFIG_MANAGER_TABLES, ...METERING_TABLES];

/** Tables in the migrated schema that no store's row type describes, and why. */
export const NOT_DESCRIBED: Readonly<Record<string, string>> = {
  csms_migrations: "TypeORM's record of the migrations run (data-source.ts migrationsTableName)",
};
