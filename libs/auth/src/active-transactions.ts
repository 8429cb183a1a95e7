import { Inject, Injectable } from '@nestjs/common';
import { ask, BUS, type Bus, type ReplyOf } from '#csms/bus';
import { AUTH_OPTIONS, type AuthOptions } from './auth-options.js';
import type { ActiveTransactionLookup, StartKey } from './id-tags.service.js';
import * as metering from '#csms/metering/verbs';

export const DEFAULT_CONCURRENT_TX_TIMEOUT_MS = 2_000;
/** More than one: the start being decided is itself listed (see below), and the other ones must still show. */
const PAGE = 10;

interface OpenTransaction {
  chargerId: string;
  connectorId?: number;
  startedAt?: string;
  idTagStatus: string | null;
}

/** Metering's page holds transactions or orphan stops (unknown to the verb's type): only transaction-shaped items count. */
const isOpenTransaction = (t: unknown): t is OpenTransaction =>
  typeof t === 'object' && t !== null && typeof (t as OpenTransaction).chargerId === 'string' && 'idTagStatus' in t;

/**
 * Asks metering (which owns transactions) whether the tag has an active transaction. Metering asks auth before it
 * stores the start (docs/reference/design-decisions.md#starttransaction-with-its-verdict), but a retried start whose
 * first answer was lost is already stored: the start
 * under decision (same charger, connector and start time) is left out. Without the start's key (a metering from
 * from before it asked first, which stored first), the newest open transaction of this charger is taken as the start under
 * decision, as before. The others count when auth accepted them (a refused start is not an active one). Any
 * failure to answer gives undefined: auth does not block charging because metering is slow or down.
 */
@Injectable()
export class MeteringActiveTransactions implements ActiveTransactionLookup {
  private readonly timeoutMs: number;

  constructor(
    @Inject(BUS) private readonly bus: Bus,
    @Inject(AUTH_OPTIONS) options: Pick<AuthOptions, 'concurrentTxTimeoutMs'> = {},
  ) {
    this.timeoutMs = options.concurrentTxTimeoutMs ?? DEFAULT_CONCURRENT_TX_TIMEOUT_MS;
  }

  async hasActive(chargerId: string, idTag: string, start?: StartKey): Promise<boolean | undefined> {
    const { bus, timeoutMs } = this;
    let reply: ReplyOf<typeof metering.listTransactions>;
    try {
      reply = await ask(bus, metering.listTransactions, { idTag, state: 'open', limit: PAGE }, { timeoutMs });
    } catch {
      return undefined;
    }
    if (!reply?.ok || !Array.isArray(reply.data?.items)) return undefined;
    const items = reply.data.items.filter(isOpenTransaction);
    const { total } = reply.data;
    const own = start
      ? items.findIndex(
          (t) => t.chargerId === chargerId && t.connectorId === start.connectorId && Date.parse(t.startedAt ?? '') === Date.parse(start.timestamp),
        )
      : items.findIndex((t) => t.chargerId === chargerId);
    const others = items.filter((_, i) => i !== own);
    // More open ones than one page: certainly another one besides the start being decided.
    if (total > items.length) return true;
    return others.some((t) => t.idTagStatus === 'Accepted');
  }
}
