import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsString } from 'class-validator';
import { ChargerIdentities, NameList, PlainText, StreamSequence } from '#csms/http';
import { LIVE_EVENT_TYPES } from './live-event.js';

export const MAX_CHARGERS_PER_STREAM = 1000;

/** Query of `GET /api/v1/events`. */
export class EventsQuery {
  @ApiPropertyOptional({
    type: [String],
    description: `Only these chargers: the parameter repeated (chargerId=A&chargerId=B), at most ${MAX_CHARGERS_PER_STREAM}`,
  })
  @IsOptional()
  @ChargerIdentities(MAX_CHARGERS_PER_STREAM)
  chargerId?: string[];

  @ApiPropertyOptional({ description: 'Only chargers of this configuration group (its members when the stream opens)' })
  @IsOptional()
  @PlainText(100)
  group?: string;

  @ApiPropertyOptional({ description: `Only these event types, comma-separated: ${LIVE_EVENT_TYPES.join(', ')}` })
  @IsOptional()
  @NameList(LIVE_EVENT_TYPES)
  types?: string;

  @ApiPropertyOptional({ description: 'Resume after this event id (as the Last-Event-ID header, which wins when both are sent)' })
  @IsOptional()
  @StreamSequence()
  lastEventId?: number;

  @ApiPropertyOptional({ description: 'The bearer token, for EventSource (which cannot send headers); read by the API authentication' })
  @IsOptional()
  @IsString()
  // snake_case: the OAuth 2.0 bearer query name (RFC 6750 §2.3).
  access_token?: string;
}
