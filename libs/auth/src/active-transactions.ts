import { subjects, type Bus } from '#csms/bus';
import type { ServiceReply } from '#csms/http';
import type { ActiveTransactionLookup } from './id-tags.service.js';

export const DEFAULT_CONCURRENT_TX_TIMEOUT_MS = 2_000;
/** More than one: the start being decided is itself listed (see below), and the other ones must still show. */
const PAGE = 10;

interface OpenTransaction {
  chargerId: string;
  idTagStatus: string | null;
}

/**
 * Asks metering (which owns transactions) whether the tag has an active transaction. Metering stores a
 * StartTransaction BEFORE it asks auth, so the start under decision is among the open ones: the newest open
 * transaction of this charger is left out (also on the charger's retry, which finds the same transaction). The
 * others count when auth accepted them (a start refused or still undecided is not an active one). Any failure
 * to answer gives undefined: auth does not block charging because metering is slow or down.
 */
export function meteringActiveTransactionLookup(bus: Bus, timeoutMs = DEFAULT_CONCURRENT_TX_TIMEOUT_MS): ActiveTransactionLookup {
  return async (chargerId, idTag) => {
    let reply: ServiceReply<{ items: OpenTransaction[]; total: number }>;
    try {
      reply = await bus.request(subjects.api('metering', 'listTransactions'), { idTag, state: 'open', limit: PAGE }, { timeoutMs });
    } catch {
      return undefined;
    }
    if (!reply?.ok || !Array.isArray(reply.data?.items)) return undefined;
    const { items, total } = reply.data;
    const own = items.findIndex((t) => t.chargerId === chargerId);
    const others = items.filter((_, i) => i !== own);
    // More open ones than one page: certainly another one besides the start being decided.
    if (total > items.length) return true;
    return others.some((t) => t.idTagStatus === 'Accepted');
  };
}
