import { ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsBoolean, IsIn, IsOptional, IsString, Length } from 'class-validator';
import type { StatusNotificationRequest } from '#csms/ocpp';
import { MAX_OFFSET, PageLimit, PageOffset, PlainText } from '#csms/http';
import { MAX_PAGE_SIZE, LIST_SORTS, type ListSort } from '../registry/charger-list-query.js';
import { CONNECTOR_STATUSES as PORTABLE_CONNECTOR_STATUSES } from '../portable/charger-list.js';

/** What the `status` filter takes (../portable/charger-list.ts), typed as the protocol's ChargePointStatus so a wrong spelling fails here. */
export const CONNECTOR_STATUSES: ReadonlyArray<StatusNotificationRequest['status']> = PORTABLE_CONNECTOR_STATUSES;
export const LIST_VIEWS = ['full', 'compact'] as const;

// Query strings are text: map only the two exact spellings, anything else stays a string and fails IsBoolean.
const toBoolean = ({ value }: { value: unknown }): unknown => (value === 'true' ? true : value === 'false' ? false : value);

/** Query of `GET /api/v1/chargers`. */
export class ListChargersQuery {
  @ApiPropertyOptional({ minimum: 1, maximum: MAX_PAGE_SIZE, default: 100 })
  @PageLimit(MAX_PAGE_SIZE)
  limit?: number;

  @ApiPropertyOptional({ minimum: 0, maximum: MAX_OFFSET, default: 0, description: 'Offset paging (or `cursor`, not both)' })
  @PageOffset()
  offset?: number;

  @ApiPropertyOptional({ description: 'The `nextCursor` of the previous page (keyset paging, stable while chargers come and go)' })
  @IsOptional()
  @IsString()
  @Length(1, 1000, { message: 'cursor must be the nextCursor of a page (1 to 1000 characters)' })
  cursor?: string;

  @ApiPropertyOptional({ description: 'true: only connected chargers; false: only disconnected ones' })
  @IsOptional()
  @Transform(toBoolean)
  @IsBoolean()
  connected?: boolean;

  @ApiPropertyOptional({ description: 'true: configuration drift (or refused by the charger); false: in sync. Chargers not reconciled yet match neither' })
  @IsOptional()
  @Transform(toBoolean)
  @IsBoolean()
  drift?: boolean;

  @ApiPropertyOptional({ description: 'Effective model (zaptec-go, zaptec-go2, zaptec-pro, generic, ...)' })
  @IsOptional()
  @PlainText(100)
  model?: string;

  @ApiPropertyOptional({ description: 'Firmware version starting with this text' })
  @IsOptional()
  @PlainText(100)
  firmware?: string;

  @ApiPropertyOptional({ enum: CONNECTOR_STATUSES, description: 'Chargers with at least one connector in this status (last StatusNotification)' })
  @IsOptional()
  @IsIn(CONNECTOR_STATUSES, { message: `status must be one of ${CONNECTOR_STATUSES.join(', ')}` })
  status?: StatusNotificationRequest['status'];

  @ApiPropertyOptional({ description: 'Members of this configuration group' })
  @IsOptional()
  @PlainText(100)
  group?: string;

  @ApiPropertyOptional({ description: 'Text the charger id contains (case-insensitive)' })
  @IsOptional()
  @PlainText(48)
  q?: string;

  @ApiPropertyOptional({ enum: LIST_SORTS, default: 'id', description: 'Sort key; a leading - sorts descending (never-seen chargers first when ascending)' })
  @IsOptional()
  @IsIn(LIST_SORTS, { message: `sort must be one of ${LIST_SORTS.join(', ')}` })
  sort?: ListSort;

  @ApiPropertyOptional({
    enum: LIST_VIEWS,
    default: 'full',
    description: 'compact: id, connected, model, firmwareVersion, lastSeen, connectorStatus per charger (for lists)',
  })
  @IsOptional()
  @IsIn(LIST_VIEWS, { message: `view must be one of ${LIST_VIEWS.join(', ')}` })
  view?: (typeof LIST_VIEWS)[number];
}
