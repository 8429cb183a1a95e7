/** The charger's recent transactions with their energy (GET /api/v1/transactions?chargerId=). */
import type { Transaction } from '../../domain/api-types.js';
import { formatEnergy, formatTime, UNKNOWN } from '../../domain/format.js';
import { transactions } from '../api/endpoints.js';
import { badge, fill, h, table } from './dom.js';
import { errorText } from './view.js';

export class TransactionsPanel {
  readonly el = h('div', { class: 'panel' }, h('p', { class: 'note' }, 'Loading…'));
  /** The open transaction, for the command examples (RemoteStopTransaction). */
  open: Transaction | undefined;

  constructor(private readonly chargerId: string) {}

  async refresh(): Promise<void> {
    try {
      const page = await transactions(this.chargerId, 10);
      this.open = page.items.find((t) => t.state === 'open');
      fill(
        this.el,
        table(
          `Latest ${page.items.length} of ${page.total} transactions`,
          ['Transaction', 'Connector', 'idTag', 'Started', 'Stopped', 'Energy', 'Stop reason'],
          page.items.map((t) => [
            String(t.id),
            String(t.connectorId),
            t.idTag,
            formatTime(t.startedAt),
            t.state === 'open' ? badge('charging', 'ok') : formatTime(t.stoppedAt),
            formatEnergy(t.energyWh),
            t.stopReason ?? UNKNOWN,
          ]),
          'no transactions yet.',
        ),
      );
    } catch (err) {
      fill(this.el, h('p', { role: 'alert' }, `Transactions could not be loaded: ${errorText(err)}`));
    }
  }
}
