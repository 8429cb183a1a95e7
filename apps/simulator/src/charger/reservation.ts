// The charger side of OCPP 1.6 Reservation (§5.13, §5.2): one reservation on connector 1, held until its expiryDate,
// used by the reserved idTag (or one sharing its parentIdTag), refusing everyone else at the connector.
import type { Clock, TimerHandle } from '../clock.js';
import type { KeyStore } from './key-store.js';
import type { ConnectorStatus, TransactionController } from './transactions.js';

/** What a reservation needs of its charger. */
export interface ReservationHost {
  readonly clock: Clock;
  readonly keys: KeyStore;
  readonly transactions: TransactionController;
  readonly status: ConnectorStatus;
  readonly isPlugged: boolean;
  readonly isOperative: boolean;
  setStatus(status: ConnectorStatus): void;
}

interface Held {
  id: number;
  idTag: string;
  parentIdTag?: string;
  timer: TimerHandle;
}

const same = (a: string | undefined, b: string | undefined): boolean => a !== undefined && b !== undefined && a.toLowerCase() === b.toLowerCase();

export class ChargerReservation {
  private held: Held | undefined;

  constructor(private readonly c: ReservationHost) {}

  get current(): { id: number; idTag: string } | undefined {
    return this.held ? { id: this.held.id, idTag: this.held.idTag } : undefined;
  }

  /** ReserveNow. Connector 0 only with ReserveConnectorZeroSupported; the same reservationId replaces the old one. */
  reserve(params: Record<string, unknown>): 'Accepted' | 'Faulted' | 'Occupied' | 'Rejected' | 'Unavailable' {
    const c = this.c;
    const connectorId = Number(params.connectorId);
    if (!c.keys.getList('SupportedFeatureProfiles').includes('Reservation')) return 'Rejected';
    if (connectorId !== 1 && !(connectorId === 0 && c.keys.getBool('ReserveConnectorZeroSupported'))) return 'Rejected';
    if (!c.isOperative) return 'Unavailable';
    if (c.status === 'Faulted') return 'Faulted';
    if (c.transactions.active || c.isPlugged) return 'Occupied';
    const id = Number(params.reservationId);
    if (this.held && this.held.id !== id) return 'Occupied';
    this.drop();
    const expiresIn = Math.max(0, Date.parse(String(params.expiryDate)) - c.clock.now());
    const timer = c.clock.setTimeout(() => this.end(), expiresIn);
    this.held = { id, idTag: String(params.idTag), ...(typeof params.parentIdTag === 'string' ? { parentIdTag: params.parentIdTag } : {}), timer };
    c.setStatus('Reserved');
    return 'Accepted';
  }

  /** CancelReservation: Rejected when no reservation has this id. */
  cancel(reservationId: unknown): 'Accepted' | 'Rejected' {
    if (!this.held || this.held.id !== reservationId) return 'Rejected';
    this.end();
    return 'Accepted';
  }

  /**
   * An idTag wants to start: free (no reservation), mine (its reservationId goes into StartTransaction, and the
   * reservation ends), or someone else's (no start).
   */
  claim(idTag: string, parentIdTag?: string): { allowed: true; reservationId?: number } | { allowed: false } {
    const h = this.held;
    if (!h) return { allowed: true };
    if (!same(h.idTag, idTag) && !same(h.parentIdTag, parentIdTag)) return { allowed: false };
    this.drop();
    return { allowed: true, reservationId: h.id };
  }

  /** Expired or cancelled: the connector is free again. */
  private end(): void {
    this.drop();
    if (this.c.status === 'Reserved') this.c.setStatus(this.c.isPlugged ? 'Preparing' : 'Available');
  }

  private drop(): void {
    if (this.held) this.c.clock.clearTimeout(this.held.timer);
    this.held = undefined;
  }
}
