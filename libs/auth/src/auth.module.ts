import { Inject, Module, type DynamicModule, type OnApplicationBootstrap } from '@nestjs/common';
import { AUTH_OPTIONS, type AuthOptions } from './auth-options.js';
import { bootstrapAdminToken } from './api-access/admin-token-bootstrap.js';
import { ApiAccessController } from './api-access/api-access.controller.js';
import { ApiAccessStore } from './api-access/api-access.store.js';
import { AuthorizationKeyRotationService } from './authorization-key-rotation.service.js';
import { BusChargerCommands, CHARGER_COMMANDS } from './charger-commands.js';
import { ChargerRegistryService } from './charger-registry.service.js';
import { ChargersController } from './chargers.controller.js';
import { ConnectController } from './connect.controller.js';
import { ConnectDecisionService } from './connect-decision.service.js';
import { CONNECT_THROTTLE_OPTIONS, ConnectThrottle } from './connect-throttle.js';
import { DriverAuthController } from './driver-auth.controller.js';
import { IdTagsController } from './id-tags.controller.js';
import { ACTIVE_TRANSACTION_LOOKUP, IdTagsService, RESERVATION_GATE } from './id-tags.service.js';
import { MeteringActiveTransactions } from './active-transactions.js';
import { ProvisionalChargerSweeper } from './provisional-chargers.js';
import { LocalAuthListController } from './local-auth-list.controller.js';
import { LocalAuthListService } from './local-auth-list.service.js';
import { LocalAuthListStore } from './local-auth-list.store.js';
import { BusReservationListener } from './reservations/bus-reservation-listener.js';
import { ReservationSweeper } from './reservations/reservation-sweeper.js';
import { ReservationsController } from './reservations/reservations.controller.js';
import { RESERVATION_LISTENER, ReservationsService } from './reservations/reservations.service.js';
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
        ChargerRegistryService,
        SecurityEventsService,
        ApiAccessStore,
        { provide: CHARGER_COMMANDS, useClass: BusChargerCommands },
        ReservationsStore,
        { provide: RESERVATION_LISTENER, useClass: BusReservationListener },
        ReservationsService,
        { provide: RESERVATION_GATE, useExisting: ReservationsService },
        // ConcurrentTx asks metering only when configured; without the provider IdTagsService decides from the tag alone.
        ...(options.concurrentTx ? [{ provide: ACTIVE_TRANSACTION_LOOKUP, useClass: MeteringActiveTransactions }] : []),
        IdTagsService,
        LocalAuthListStore,
        LocalAuthListService,
        // One per process: the passwords this replica already verified with scrypt (connect storms).
        VerifiedCredentials,
        { provide: CONNECT_THROTTLE_OPTIONS, useValue: options.throttle ?? {} },
        ConnectThrottle,
        ConnectDecisionService,
        AuthorizationKeyRotationService,
      ],
    };
  }
}
