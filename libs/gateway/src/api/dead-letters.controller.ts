import { Controller, Delete, Get, HttpCode, HttpException, HttpStatus, Inject, Param, Post, Query } from '@nestjs/common';
import { ApiOperation, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { IsOptional } from 'class-validator';
import { BUS, type Bus, type DeadLetter } from '#csms/bus';
import { ApiDone, ApiErrors, ApiOk, ApiV1, PageLimit, PageOffset, PlainText, S, WholeNumber } from '#csms/http';

class DeadLettersQueryDto {
  /** A durable consumer name, e.g. metering-meter-values. */
  @ApiPropertyOptional({ description: 'A durable consumer name, e.g. metering-meter-values' })
  @IsOptional()
  @PlainText(200)
  consumer?: string;

  @PageLimit(1000)
  limit?: number;

  @PageOffset()
  offset?: number;
}

class DeadLetterIdPath {
  @WholeNumber(1, Number.MAX_SAFE_INTEGER)
  id!: number;
}

const DEAD_LETTER = S.obj({
  id: S.str,
  consumer: { ...S.str, description: 'The durable consumer that gave up' },
  subject: S.str,
  seq: S.int,
  data: { ...S.any, description: 'The message as it was published' },
  error: S.str,
  attempts: S.int,
  deadLetteredAt: S.time,
});

const notFound = (id: number): HttpException =>
  new HttpException({ error: 'not_found', message: `dead letter ${id} does not exist (replayed or deleted?)` }, HttpStatus.NOT_FOUND);

/**
 * The messages a consumer gave up on (docs/reference/design-decisions.md#poison-messages;
 * docs/deploy.md#36-when-a-message-cannot-be-processed).
 * The dead letters live on the bus (JetStream stream OCPP_DEAD_LETTERS, or the all-in-one's journal),
 * so the gateway reads them there: no service has to answer for them.
 */
@ApiTags('dead-letters')
@ApiV1({ asksServices: false })
@Controller('api/v1/dead-letters')
export class DeadLettersController {
  constructor(@Inject(BUS) private readonly bus: Bus) {}

  @Get()
  @ApiOperation({ summary: 'Dead letters, oldest first; filter by consumer, page with limit/offset' })
  @ApiOk(S.page(DEAD_LETTER))
  @ApiErrors([400])
  list(@Query() query: DeadLettersQueryDto): Promise<{ items: DeadLetter[]; total: number; limit: number; offset: number }> {
    const limit = query.limit ?? 100;
    const offset = query.offset ?? 0;
    return this.bus.deadLetters.list({ consumer: query.consumer, limit, offset }).then((page) => ({ ...page, limit, offset }));
  }

  @Get(':id')
  @ApiOperation({ summary: 'One dead letter: consumer, subject, payload, error, attempts' })
  @ApiOk(DEAD_LETTER)
  @ApiErrors([400, 404])
  async get(@Param() { id }: DeadLetterIdPath): Promise<DeadLetter> {
    const letter = await this.bus.deadLetters.get(String(id));
    if (!letter) throw notFound(id);
    return letter;
  }

  @Post(':id/replay')
  @HttpCode(202)
  @ApiOperation({ summary: 'Publish it again on its subject for its consumer only (after a fix), and remove it' })
  @ApiOk(S.obj({ replayed: DEAD_LETTER }), 202, 'Published again')
  @ApiErrors([400, 404])
  async replay(@Param() { id }: DeadLetterIdPath): Promise<{ replayed: DeadLetter }> {
    const letter = await this.bus.deadLetters.replay(String(id));
    if (!letter) throw notFound(id);
    return { replayed: letter };
  }

  @Delete(':id')
  @HttpCode(204)
  @ApiOperation({ summary: 'Drop it for good' })
  @ApiDone('Dropped')
  @ApiErrors([400, 404])
  async remove(@Param() { id }: DeadLetterIdPath): Promise<void> {
    if (!(await this.bus.deadLetters.remove(String(id)))) throw notFound(id);
  }
}
