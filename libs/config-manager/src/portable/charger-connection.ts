// Where a charger is connected, as the registry answers it, in the lib's portable folder (type only, no
// imports) so the ops dashboard reads the server's own shape (docs/CONVENTIONS-FOR-CONTRIBUTORS.md#portable-modules).

/** The identity and connection fields every charger answer of the registry starts with (ChargerSummary). */
export interface ChargerConnection {
  id: string;
  connected: boolean;
  gatewayId: string | null;
  connectedAt: string | null;
  disconnectedAt: string | null;
  lastSeen: string | null;
  remoteAddress: string | null;
}
