import { Controller, Get, Header, Inject, Param, Query, Res } from '@nestjs/common';
import { BUS, type Bus } from '#csms/bus';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiErrors, ApiOk, ApiOkAs, ApiV1, S, call, ChargerIdPath } from '#csms/http';
import { ChargerMeterValuesQueryDto, ListTransactionsQueryDto, TransactionIdPath } from '../dto/metering.dto.js';
import * as metering from '../verbs.js';

const str = S.nullable(S.str);
const numOrNull = S.nullable(S.num);
const TRANSACTION = S.obj({
  id: S.int,
  transactionId: S.int,
  chargerId: S.str,
  connectorId: S.int,
  idTag: S.str,
  idTagStatus: str,
  meterStart: S.num,
  meterStop: numOrNull,
  energyWh: numOrNull,
  free: S.bool,
  meterAnomaly: str,
  startedAt: S.time,
  stoppedAt: S.nullable(S.time),
  stopReason: str,
  closedBy: str,
  duplicateStopCount: S.int,
  state: S.enum(['open', 'closed']),
});
const ORPHAN_STOP = S.obj({
  orphan: { type: 'boolean', enum: [true] },
  chargerId: S.str,
  transactionId: S.int,
  idTag: str,
  meterStop: S.num,
  stoppedAt: S.time,
  stopReason: str,
  receivedAt: S.time,
});
const METER_VALUE = S.obj({
  connectorId: S.int,
  transactionId: S.nullable(S.int),
  timestamp: S.time,
  measurand: S.str,
  phase: str,
  location: S.str,
  context: S.str,
  format: S.str,
  unit: S.str,
  value: { ...S.str, description: "The charger's text, as sent (SignedData included)" },
  valueNum: numOrNull,
  source: S.str,
  eager: S.bool,
  anomaly: str,
});

/** Only forwards to the metering service over the bus: the gateway process holds no metering logic. */
@ApiTags('metering')
@ApiV1()
@Controller('api/v1')
export class MeteringApiController {
  constructor(@Inject(BUS) private readonly bus: Bus) {}

  @Get('transactions')
  @ApiOperation({ summary: 'Transactions, newest first; filters; orphan=true: StopTransactions for unknown transactions' })
  @ApiOk(S.page({ oneOf: [TRANSACTION, ORPHAN_STOP] }))
  @ApiErrors([400])
  listTransactions(@Query() query: ListTransactionsQueryDto) {
    return call(this.bus, metering.listTransactions, { ...query });
  }

  @Get('transactions/:id')
  @ApiOperation({ summary: 'One transaction with its meter values' })
  @ApiOk({ allOf: [TRANSACTION, S.obj({ meterValues: S.arr(METER_VALUE) })] })
  @ApiErrors([400, 404])
  getTransaction(@Param() { id }: TransactionIdPath) {
    return call(this.bus, metering.getTransaction, { id });
  }

  @Get('transactions/:id/meter-values.csv')
  @Header('Content-Type', 'text/csv; charset=utf-8')
  @ApiOperation({ summary: 'Meter values of a transaction as CSV (a download)' })
  @ApiOkAs('text/csv', 'CSV, one meter value a row')
  @ApiErrors([400, 404])
  async transactionCsv(@Param() { id }: TransactionIdPath, @Res({ passthrough: true }) res: { setHeader(name: string, value: string): void }) {
    const out = await call(this.bus, metering.transactionMeterValuesCsv, { id });
    res.setHeader('Content-Disposition', `attachment; filename="${out.filename}"`);
    return out.csv;
  }

  @Get('chargers/:id/meter-values')
  @ApiOperation({ summary: 'Meter values of a charger, newest first; filter by time and measurand' })
  @ApiOk(S.page(METER_VALUE))
  @ApiErrors([400])
  chargerMeterValues(@Param() { id: chargerId }: ChargerIdPath, @Query() query: ChargerMeterValuesQueryDto) {
    return call(this.bus, metering.chargerMeterValues, { ...query, chargerId });
  }

  @Get('chargers/:id/power')
  @ApiOperation({ summary: 'Latest active power per connector (W)' })
  @ApiOk(S.obj({ chargerId: S.str, connectors: S.arr(S.obj({ connectorId: S.int, powerW: numOrNull, timestamp: S.time, transactionId: S.nullable(S.int) })) }))
  @ApiErrors([400])
  chargerPower(@Param() { id: chargerId }: ChargerIdPath) {
    return call(this.bus, metering.chargerPower, { chargerId });
  }
}
