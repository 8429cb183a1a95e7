import type { ServerResponse } from 'node:http';
import { Controller, Get, Headers, HttpException, HttpStatus, Inject, Query, Res, type BeforeApplicationShutdown } from '@nestjs/common';
import { ApiHeader, ApiOperation, ApiTags } from '@nestjs/swagger';
import { BUS, type Bus, type StreamReader } from '#csms/bus';
import { ApiErrors, ApiOkAs, ApiV1, call } from '#csms/http';
import { canonicalIdentity } from '#csms/zaptec-profile';
import { EventsQuery } from './events.query.js';
import { LiveEventFilter } from './live-event-filter.js';
import { LiveEventSession, type LiveEventLimits } from './live-event-session.js';
import type { LiveEventType } from './live-event.js';
import * as configManager from '#csms/config-manager/verbs';

export const LIVE_EVENT_LIMITS = Symbol.for('csms.live-event-limits');

/** A Last-Event-ID header as the stream sequence it names; undefined when absent or empty. */
export function parseLastEventId(header: string | undefined): number | undefined {
  if (header === undefined || header.trim() === '') return undefined;
  const v = header.trim();
  if (/^\d{1,16}$/.test(v) && Number(v) <= Number.MAX_SAFE_INTEGER) return Number(v);
  throw new HttpException(
    {
      error: 'validation_failed',
      message: 'Last-Event-ID: must be an event id this API sent (a whole number)',
      errors: [{ field: 'Last-Event-ID', rule: 'streamSequence', message: 'Last-Event-ID must be an event id this API sent (a whole number)' }],
    },
    HttpStatus.BAD_REQUEST,
  );
}

/**
 * GET /api/v1/events: live events as Server-Sent Events, read from the durable events stream, so any gateway
 * serves them and `Last-Event-ID` resumes exactly after the last event a client saw (docs/api-events.md).
 */
@ApiTags('events')
@ApiV1()
@Controller('api/v1/events')
export class EventsController implements BeforeApplicationShutdown {
  private readonly sessions = new Set<LiveEventSession>();

  constructor(
    @Inject(BUS) private readonly bus: Bus,
    @Inject(LIVE_EVENT_LIMITS) private readonly limits: LiveEventLimits,
  ) {}

  @Get()
  @ApiOperation({
    summary: 'Live events (text/event-stream): connections, boots, connector status, transactions, power, configuration, security events, command outcomes',
  })
  @ApiOkAs('text/event-stream', 'Server-Sent Events: `id` (for Last-Event-ID), `event` (the type), `data` (JSON); docs/api-events.md')
  @ApiErrors([400])
  @ApiHeader({ name: 'Last-Event-ID', required: false, description: 'Resume after this event id' })
  async stream(@Query() query: EventsQuery, @Headers('last-event-id') lastEventIdHeader: string | undefined, @Res() res: ServerResponse): Promise<void> {
    const after = parseLastEventId(lastEventIdHeader) ?? query.lastEventId;
    const filter = new LiveEventFilter(
      query.types?.split(',').map((t) => t.trim() as LiveEventType),
      await this.chargers(query),
    );
    let reader: StreamReader;
    try {
      reader = await this.bus.readStream({ filterSubjects: filter.subjects(), ...(after !== undefined ? { startSeq: after + 1 } : {}) });
    } catch (err) {
      throw new HttpException(
        { error: 'events_unavailable', message: `the events stream cannot be read: ${err instanceof Error ? err.message : String(err)}` },
        HttpStatus.SERVICE_UNAVAILABLE,
      );
    }
    const session = new LiveEventSession(res, reader, filter, this.limits);
    this.sessions.add(session);
    void session.run().finally(() => this.sessions.delete(session));
  }

  async beforeApplicationShutdown(): Promise<void> {
    await Promise.all([...this.sessions].map((s) => s.stop()));
  }

  /** The chargers asked for: `chargerId`, the members of `group`, both (those in both), or undefined (all). */
  private async chargers(query: EventsQuery): Promise<Set<string> | undefined> {
    const named = query.chargerId ? new Set(query.chargerId.map((id) => canonicalIdentity(id))) : undefined;
    if (query.group === undefined) return named;
    const level = await call(this.bus, configManager.getGroupConfiguration, { group: query.group });
    const members = new Set(level.members ?? []);
    return named ? new Set([...named].filter((id) => members.has(id))) : members;
  }
}
