import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, IsString, Length } from 'class-validator';
import { ApiTime, ChargerIdentity, Int32Id, PageLimit, PageOffset, WholeNumber, INT32_MAX } from '#csms/http';
import { RESERVATION_STATES, type ReservationState } from '../reservations/reservation-rules.js';

/** POST /api/v1/reservations (OCPP 1.6 ReserveNow.req; IdToken is CiString20). */
export class CreateReservationDto {
  @ChargerIdentity()
  chargerId!: string;

  @ApiProperty({ description: '0 reserves any connector of the charger: only when it reported ReserveConnectorZeroSupported=true' })
  @WholeNumber(0, INT32_MAX)
  connectorId!: number;

  @ApiProperty({ minLength: 1, maxLength: 20, description: 'The driver the connector is held for' })
  @IsString()
  @Length(1, 20)
  idTag!: string;

  @ApiPropertyOptional({ minLength: 1, maxLength: 20, description: 'Any idTag with this parent may use the reservation' })
  @IsOptional()
  @IsString()
  @Length(1, 20)
  parentIdTag?: string;

  @ApiProperty({ description: 'When the charger drops the reservation; must be in the future' })
  @ApiTime()
  expiresAt!: string;
}

export class ReservationListQueryDto {
  @ApiPropertyOptional({ description: 'Reservations of this charger' })
  @IsOptional()
  @ChargerIdentity()
  chargerId?: string;

  @ApiPropertyOptional({ enum: RESERVATION_STATES })
  @IsOptional()
  @IsIn(RESERVATION_STATES)
  status?: ReservationState;

  @PageLimit()
  limit?: number;

  @PageOffset()
  offset?: number;
}

/** `:id` of /api/v1/reservations/:id: the OCPP reservationId (integer). */
export class ReservationIdPath {
  @Int32Id()
  id!: number;
}
