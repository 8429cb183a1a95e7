import { Body, Controller, Delete, Get, HttpException, HttpStatus, Inject, Param, Post, Query } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { BUS, type Bus } from '#csms/bus';
import { ApiErrors, ApiOk, ApiV1, CurrentCaller, S, auditActor, call, requireCapability, type ApiCaller } from '#csms/http';
import { canonicalIdentity } from '#csms/zaptec-profile';
import { CreateReservationDto, ReservationIdPath, ReservationListQueryDto } from '../dto/reservation.dto.js';
import type { ReservationOutcome } from '../verbs.js';
import { DEFAULT_RESERVATION_TIMEOUT_MS } from '../reservations/reservation-rules.js';
import { connectorZeroSupported, withConnectorStatus, type ShownReservation } from './reservation-lookups.js';
import { RESERVATION_SCHEMA } from './openapi-schemas.js';
import * as auth from '../verbs.js';

/** Auth waits for the charger; the bus answer comes after that. */
const REPLY_TIMEOUT_MS = DEFAULT_RESERVATION_TIMEOUT_MS + 5_000;

/**
 * Reservations (docs/reservations.md). Runs in the gateway: the model check here, the rest in auth over the bus.
 * A reservation the charger refused or never got is kept (its state says so) and answered with a 4xx/5xx naming why.
 */
@ApiTags('reservations')
@ApiV1()
@Controller('api/v1/reservations')
export class ReservationsApiController {
  constructor(@Inject(BUS) private readonly bus: Bus) {}

  @Post()
  @ApiOperation({ summary: 'Reserve a connector for an idTag (ReserveNow); 201 once the charger accepted it' })
  @ApiOk(RESERVATION_SCHEMA, 201, 'The charger accepted: the reservation is active')
  @ApiErrors([400, 404, 409, 422, 424, 502, 504], {
    404: 'The charger is not connected: nothing was sent (the reservation is kept as failed)',
    409: 'The charger refused (reserveStatus: Faulted, Occupied, Rejected or Unavailable); the reservation is kept as refused',
    422: "The charger's model lacks the Reservation profile, or connector 0 without ReserveConnectorZeroSupported: nothing was stored or sent",
  })
  async create(@Body() body: CreateReservationDto, @CurrentCaller() caller?: ApiCaller): Promise<ShownReservation> {
    const chargerId = canonicalIdentity(body.chargerId);
    await requireCapability(this.bus, chargerId, 'ReserveNow', 'chargerId');
    if (body.connectorId === 0 && !(await connectorZeroSupported(this.bus, chargerId))) {
      const message = 'connectorId 0 needs the charger to have reported ReserveConnectorZeroSupported=true';
      throw new HttpException(
        { error: 'connector_zero_not_supported', message, errors: [{ field: 'connectorId', rule: 'ReserveConnectorZeroSupported', message }] },
        HttpStatus.UNPROCESSABLE_ENTITY,
      );
    }
    const out = await call(this.bus, auth.createReservation, { ...body, chargerId, requestedBy: auditActor(caller) }, REPLY_TIMEOUT_MS);
    failOnDelivery(out, 'ReserveNow');
    if (out.reservation.status !== 'active' && out.reservation.status !== 'used') {
      throw new HttpException(
        {
          error: 'reservation_refused',
          reserveStatus: out.reservation.reserveStatus,
          reservation: out.reservation,
          message: `charger ${chargerId} answered ReserveNow ${out.reservation.reserveStatus}`,
        },
        HttpStatus.CONFLICT,
      );
    }
    return (await withConnectorStatus(this.bus, [out.reservation]))[0];
  }

  @Get()
  @ApiOperation({ summary: 'Reservations, newest first; filter by charger and status' })
  @ApiOk(S.page(RESERVATION_SCHEMA))
  @ApiErrors([400])
  async list(@Query() query: ReservationListQueryDto): Promise<{ items: ShownReservation[]; total: number; limit: number; offset: number }> {
    const page = await call(this.bus, auth.listReservations, { ...query });
    return { ...page, items: await withConnectorStatus(this.bus, page.items) };
  }

  @Get(':id')
  @ApiOperation({ summary: "One reservation, with its connector's last status" })
  @ApiOk(RESERVATION_SCHEMA)
  @ApiErrors([400, 404])
  async get(@Param() { id }: ReservationIdPath): Promise<ShownReservation> {
    const r = await call(this.bus, auth.getReservation, { reservationId: id });
    return (await withConnectorStatus(this.bus, [r]))[0];
  }

  @Delete(':id')
  @ApiOperation({ summary: "Cancel a reservation (CancelReservation); the charger's answer is in cancelStatus" })
  @ApiOk(RESERVATION_SCHEMA, 200, 'Cancelled (cancelStatus Rejected: the charger held no such reservation any more)')
  @ApiErrors([400, 404, 409, 424, 502, 504], {
    404: 'No such reservation, or its charger is not connected (nothing was sent; the reservation stands)',
    409: 'The reservation has ended already (its status says how)',
  })
  async cancel(@Param() { id }: ReservationIdPath, @CurrentCaller() caller?: ApiCaller): Promise<ShownReservation> {
    const out = await call(this.bus, auth.cancelReservation, { reservationId: id, requestedBy: auditActor(caller) }, REPLY_TIMEOUT_MS);
    failOnDelivery(out, 'CancelReservation');
    return (await withConnectorStatus(this.bus, [out.reservation]))[0];
  }
}

/** No answer from the charger: the status the command API gives the same outcome (docs/api-commands.md). */
function failOnDelivery({ reservation, delivery }: ReservationOutcome, action: string): void {
  if (delivery.status === 'ok') return;
  const base = { reservation, message: `${action} to charger ${reservation.chargerId}: ${delivery.detail}` };
  switch (delivery.status) {
    case 'not-connected':
      throw new HttpException({ error: 'not_connected', ...base }, HttpStatus.NOT_FOUND);
    case 'timeout':
      throw new HttpException({ error: 'timeout', ...base }, HttpStatus.GATEWAY_TIMEOUT);
    case 'connection-lost':
      throw new HttpException({ error: 'connection_lost', outcome: 'unknown', ...base }, HttpStatus.FAILED_DEPENDENCY);
    case 'callerror':
      throw new HttpException({ error: 'callerror', ...base }, HttpStatus.BAD_GATEWAY);
    case 'invalid':
      throw new HttpException({ error: 'not_allowed', ...base }, HttpStatus.CONFLICT);
  }
}
