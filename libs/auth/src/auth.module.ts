import { Inject, Module, type DynamicModule, type OnApplicationBootstrap } from '@nestjs/common';
import type { DataSource } from 'typeorm';
import { BUS, recordFact, sendCommand, type Bus, type ReservationFact } from '#csms/bus';
import { DATA_SOURCE } from '#csms/persistence';
import { AUTH_OPTIONS, type AuthOptions } from './auth-options.js';
import { bootstrapAdminToken } from './api-access/admin-token-bootstrap.js';
import { ApiAccessController } from './api-access/api-access.controller.js';
import { ApiAccessStore } from './api-access/api-access.store.js';
import { AuthorizationKeyRotationService } from './authorization-key-rotation.service.js';
import { ChargerRegistryService } from './charger-registry.service.js';
import { ChargersController } from './chargers.controller.js';
import { ConnectController } from './connect.controller.js';
import { ConnectDecisionService } from './connect-decision.service.js';
import { ConnectThrottle } from './connect-throttle.js';
import { DriverAuthController } from './driver-auth.controller.js';
import { IdTagsController } from './id-tags.controller.js';
import { IdTagsService } from './id-tags.service.js';
import { meteringActiveTransactionLookup } from './active-transactions.js';
import { ProvisionalChargerSweeper } from './provisional-chargers.js';
import { LocalAuthListController } from './local-auth-list.controller.js';
import { LocalAuthListService } from './local-auth-list.service.js';
import { LocalAuthListStore } from './local-auth-list.store.js';
import { ReservationSweeper } from './reservations/reservation-sweeper.js';
import { ReservationsController } from './reservations/reservations.controller.js';
import { ReservationsService } from './reservations/reservations.service.js';
import { ReservationsStore } from './reservations/reservations.store.js';
import { SecurityEventsController } from './security-events.controller.js';
import { SecurityEventsService } from './security-events.service.js';
import { VerifiedCredentials } from './verified-credentials.js';

/**
 * The auth service: charger authentication at the upgrade, credentials and the AuthorizationKey lifecycle,
 * idTags, free charging, ConcurrentTx and local authorization lists, security events.
 * Needs DATA_SOURCE (PersistenceModule) and BUS (BusModule).
 */
@Module({})
export class AuthModule implements OnApplicationBootstrap {
  private bootstrapped?: Promise<unknown>;

  constructor(
    @Inject(ApiAccessStore) private readonly apiAccess: ApiAccessStore,
    @Inject(AUTH_OPTIONS) private readonly options: AuthOptions,
  ) {}

  /** The first admin API token (once per database, when API_ADMIN_TOKEN is unset). Once per process: a hybrid app may call this hook twice. */
  onApplicationBootstrap(): Promise<unknown> {
    const access = this.options.apiAccess;
    return (this.bootstrapped ??= access ? bootstrapAdminToken(this.apiAccess, access) : Promise.resolve());
  }

  static forRoot(options: AuthOptions): DynamicModule {
    return {
      module: AuthModule,
      controllers: [
        ConnectController,
        DriverAuthController,
        ChargersController,
        IdTagsController,
        SecurityEventsController,
        LocalAuthListController,
        ApiAccessController,
        ReservationsController,
      ],
      providers: [
        { provide: AUTH_OPTIONS, useValue: options },
        ProvisionalChargerSweeper,
        ReservationSweeper,
        {
          provide: ChargerRegistryService,
          useFactory: (db: DataSource) =>
            new ChargerRegistryService(
              db,
              (options.credentialSecrets ?? []).map((x) => Buffer.from(x, 'utf8')),
            ),
          inject: [DATA_SOURCE],
        },
        SecurityEventsService,
        ApiAccessStore,
        {
          provide: ReservationsService,
          useFactory: (db: DataSource, bus: Bus) =>
            new ReservationsService(
              new ReservationsStore(db),
              (chargerId, request) => sendCommand(bus, chargerId, request),
              undefined,
              options.reservationTimeoutMs,
              // Live dashboards see reservations come and go (GET /api/v1/events, type reservation).
              (event, r) =>
                void recordFact(bus, r.chargerId, 'Reservation', {
                  chargerId: r.chargerId,
                  event,
                  reservationId: r.reservationId,
                  connectorId: r.connectorId,
                  idTag: r.idTag,
                  status: r.status,
                  expiresAt: r.expiresAt,
                  reserveStatus: r.reserveStatus,
                  transactionId: r.transactionId,
                  at: new Date().toISOString(),
                } satisfies ReservationFact),
            ),
          inject: [DATA_SOURCE, BUS],
        },
        {
          provide: IdTagsService,
          useFactory: (db: DataSource, registry: ChargerRegistryService, bus: Bus, reservations: ReservationsService) =>
            new IdTagsService(
              db,
              registry,
              undefined,
              options.concurrentTx ? meteringActiveTransactionLookup(bus, options.concurrentTxTimeoutMs) : undefined,
              (chargerId, start) => reservations.decideStart(chargerId, start),
            ),
          inject: [DATA_SOURCE, ChargerRegistryService, BUS, ReservationsService],
        },
        {
          provide: LocalAuthListService,
          useFactory: (db: DataSource, bus: Bus) =>
            new LocalAuthListService(new LocalAuthListStore(db), (chargerId, request) => sendCommand(bus, chargerId, request), options.localListTimeoutMs),
          inject: [DATA_SOURCE, BUS],
        },
        // One per process: the passwords this replica already verified with scrypt (connect storms).
        VerifiedCredentials,
        {
          provide: ConnectDecisionService,
          useFactory: (registry: ChargerRegistryService, events: SecurityEventsService, verifiedCredentials: VerifiedCredentials) =>
            new ConnectDecisionService(registry, events, options.unknownChargers, new ConnectThrottle(options.throttle), { verifiedCredentials }),
          inject: [ChargerRegistryService, SecurityEventsService, VerifiedCredentials],
        },
        {
          provide: AuthorizationKeyRotationService,
          useFactory: (db: DataSource, registry: ChargerRegistryService, bus: Bus) =>
            new AuthorizationKeyRotationService(db, registry, (chargerId, request) => sendCommand(bus, chargerId, request), options.rotationTimeoutMs),
          inject: [DATA_SOURCE, ChargerRegistryService, BUS],
        },
      ],
    };
  }
}
