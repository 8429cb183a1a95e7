import { Controller, Get, Header, Inject, Param, Query, Res } from '@nestjs/common';
import { BUS, subjects, type Bus } from '#csms/bus';
import { callService, ChargerIdPath } from '#csms/http';
import { ChargerMeterValuesQueryDto, ListTransactionsQueryDto, TransactionIdPath } from '../dto/metering.dto.js';

/** Only forwards to the metering service over the bus: the gateway process holds no metering logic. */
@Controller('api/v1')
export class MeteringApiController {
  constructor(@Inject(BUS) private readonly bus: Bus) {}

  @Get('transactions')
  listTransactions(@Query() query: ListTransactionsQueryDto) {
    return callService(this.bus, subjects.api('metering', 'listTransactions'), { ...query });
  }

  @Get('transactions/:id')
  getTransaction(@Param() { id }: TransactionIdPath) {
    return callService(this.bus, subjects.api('metering', 'getTransaction'), { id });
  }

  @Get('transactions/:id/meter-values.csv')
  @Header('Content-Type', 'text/csv; charset=utf-8')
  async transactionCsv(@Param() { id }: TransactionIdPath, @Res({ passthrough: true }) res: { setHeader(name: string, value: string): void }) {
    const out = await callService<{ filename: string; csv: string }>(this.bus, subjects.api('metering', 'transactionMeterValuesCsv'), { id });
    res.setHeader('Content-Disposition', `attachment; filename="${out.filename}"`);
    return out.csv;
  }

  @Get('chargers/:id/meter-values')
  chargerMeterValues(@Param() { id: chargerId }: ChargerIdPath, @Query() query: ChargerMeterValuesQueryDto) {
    return callService(this.bus, subjects.api('metering', 'chargerMeterValues'), { ...query, chargerId });
  }

  @Get('chargers/:id/power')
  chargerPower(@Param() { id: chargerId }: ChargerIdPath) {
    return callService(this.bus, subjects.api('metering', 'chargerPower'), { chargerId });
  }
}
