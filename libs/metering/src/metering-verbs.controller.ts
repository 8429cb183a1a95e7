import { Controller, Inject } from '@nestjs/common';
import { Answers } from '#csms/bus';
import { ok, refuse, type ServiceReply } from '#csms/http';
import { QueryService } from './query.service.js';
import { ReadingsService } from './readings.service.js';
import type { ChargerMeterValuesQuery, SetChargerSettingsBody, TransactionListQuery } from './views.js';
import * as verbs from './verbs.js';

/** The metering API verbs (api.metering.<verb>), asked by the gateway's HTTP API and by other services. */
@Controller()
export class MeteringVerbsController {
  constructor(
    @Inject(QueryService) private readonly query: QueryService,
    @Inject(ReadingsService) private readonly readings: ReadingsService,
  ) {}

  @Answers(verbs.listTransactions)
  listTransactions(body: TransactionListQuery) {
    return this.query.listTransactions(body ?? {});
  }

  @Answers(verbs.getTransaction)
  getTransaction(body: { id: number }) {
    return this.query.getTransaction(Number(body?.id));
  }

  @Answers(verbs.transactionMeterValuesCsv)
  transactionCsv(body: { id: number }) {
    return this.query.transactionCsv(Number(body?.id));
  }

  @Answers(verbs.chargerMeterValues)
  chargerMeterValues(body: ChargerMeterValuesQuery) {
    return this.query.chargerMeterValues(body);
  }

  @Answers(verbs.chargerPower)
  chargerPower(body: { chargerId: string }) {
    return this.query.chargerPower(body.chargerId);
  }

  @Answers(verbs.connectorStatuses)
  connectorStatuses(body: { chargerIds?: string[] } | undefined) {
    return this.query.connectorStatuses(body?.chargerIds);
  }

  @Answers(verbs.fleetFigures)
  fleetFigures() {
    return this.query.fleetFigures();
  }

  @Answers(verbs.chargersWithStatus)
  chargersWithStatus(body: { status?: unknown } | undefined) {
    return this.query.chargersWithStatus(body?.status);
  }

  @Answers(verbs.setChargerSettings)
  async setChargerSettings(body: SetChargerSettingsBody): Promise<ServiceReply<{ chargerId: string }>> {
    const bad = (field: string, message: string) => refuse(400, 'validation_failed', `${field}: ${message}`, [{ field, rule: 'invalid', message }]);
    if (typeof body?.chargerId !== 'string' || body.chargerId === '') return bad('chargerId', 'must be a non-empty string');
    if (!Number.isInteger(body.meterValueSampleInterval) || body.meterValueSampleInterval < 0)
      return bad('meterValueSampleInterval', 'must be an integer >= 0 (seconds)');
    if (typeof body.eagerDelta !== 'number' || !(body.eagerDelta >= 0)) return bad('eagerDelta', 'must be a number >= 0 (W)');
    await this.readings.setChargerSettings(body);
    return ok({ chargerId: body.chargerId });
  }
}
