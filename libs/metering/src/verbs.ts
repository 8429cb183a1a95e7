/**
 * Metering's bus verbs: one definition each (subject, request, reply), imported by whoever asks metering
 * (`#csms/metering/verbs`) and by the controller that answers. Only types come from metering's internals.
 */
import { defineVerb, subjects, verbAt, type ChargerMessage, type ChargerReply, type NoRequest, type Page } from '#csms/bus';
import type { StartTransactionRequest, StartTransactionResponse } from '#csms/ocpp';
import type { MeteringFleetFigures } from './fleet-figures.js';
export type { ConnectorStatusView };
import type {
  ChargerMeterValuesQuery,
  ChargerPowerView,
  ConnectorStatusView,
  MeterValueView,
  SetChargerSettingsBody,
  TransactionListQuery,
  TransactionView,
} from './views.js';

type TransactionRequest = { id: number };

export const startTransaction = verbAt<ChargerMessage<StartTransactionRequest>, ChargerReply<StartTransactionResponse>>(
  subjects.request('StartTransaction'),
  'metering',
);

/** Transactions, or StopTransactions for unknown transactions (`orphan: true`): two shapes in one page. */
export const listTransactions = defineVerb<TransactionListQuery, Page<unknown>>('metering', 'listTransactions');
export const getTransaction = defineVerb<TransactionRequest, TransactionView & { meterValues: MeterValueView[] }>('metering', 'getTransaction');
export const transactionMeterValuesCsv = defineVerb<TransactionRequest, { filename: string; csv: string }>('metering', 'transactionMeterValuesCsv');
export const chargerMeterValues = defineVerb<ChargerMeterValuesQuery, Page<MeterValueView>>('metering', 'chargerMeterValues');
export const chargerPower = defineVerb<{ chargerId: string }, ChargerPowerView>('metering', 'chargerPower');
/** Without chargerIds: every charger's. */
export const connectorStatuses = defineVerb<{ chargerIds?: string[] }, { chargers: Record<string, ConnectorStatusView[]> }>('metering', 'connectorStatuses');
export const fleetFigures = defineVerb<NoRequest, MeteringFleetFigures>('metering', 'fleetFigures');
export const chargersWithStatus = defineVerb<{ status?: string }, { chargerIds: string[] }>('metering', 'chargersWithStatus');
/** config-manager, after reading or setting the keys. */
export const setChargerSettings = defineVerb<SetChargerSettingsBody, { chargerId: string }>('metering', 'setChargerSettings');
