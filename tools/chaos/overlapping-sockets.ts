/**
 * Chargers that open several sockets for one identity at once, across gateways (a charger whose old
 * socket is half-open while it reconnects, a cloned identity, a modem that redials): the pattern that once
 * left gateways with extra command subscriptions, so one API command ran many times. Every socket answers
 * probe DataTransfers and counts them, so an execution on any of them is seen.
 */
import { WebSocket } from 'ws';
import { defaultAnswer } from '../soak/raw-charger.js';

export interface OverlapGroup {
  ids: string[];
  /** Every identity opens `perRound` more sockets at once, spread over the gateways, keeping its old ones. */
  round(perRound: number): Promise<{ opened: number; refused: number }>;
  /** Open sockets per identity now. */
  openSockets(): number;
  executed: Record<string, number>;
  close(): Promise<void>;
}

export function overlapGroup(ids: string[], gatewayUrls: string[]): OverlapGroup {
  const sockets = new Map<string, WebSocket[]>(ids.map((id) => [id, []]));
  const executed: Record<string, number> = {};
  let n = 0;
  const openOne = (id: string, url: string): Promise<boolean> =>
    new Promise((resolve) => {
      const ws = new WebSocket(`${url}/${id}`, ['ocpp1.6']);
      ws.on('error', () => undefined);
      ws.on('message', (raw) => {
        let frame: unknown[];
        try {
          frame = JSON.parse(raw.toString()) as unknown[];
        } catch {
          return;
        }
        if (frame[0] !== 2) return;
        const action = String(frame[2]);
        const data = action === 'DataTransfer' ? (frame[3] as { data?: unknown }).data : undefined;
        if (typeof data === 'string') executed[data] = (executed[data] ?? 0) + 1;
        ws.send(JSON.stringify([3, frame[1], defaultAnswer(action)]));
      });
      ws.once('open', () => {
        sockets.get(id)?.push(ws);
        ws.send(
          JSON.stringify([2, `ovl-boot-${++n}`, 'BootNotification', { chargePointVendor: 'Zaptec', chargePointModel: 'Go', chargePointSerialNumber: id }]),
        );
        resolve(true);
      });
      ws.once('close', () => {
        const list = sockets.get(id) ?? [];
        const i = list.indexOf(ws);
        if (i >= 0) list.splice(i, 1);
        resolve(false);
      });
    });
  return {
    ids,
    executed,
    round: async (perRound) => {
      const results = await Promise.all(
        ids.flatMap((id) =>
          Array.from({ length: perRound }, (_, k) => openOne(id, gatewayUrls[(k + Math.floor(Math.random() * gatewayUrls.length)) % gatewayUrls.length])),
        ),
      );
      return { opened: results.filter(Boolean).length, refused: results.filter((r) => !r).length };
    },
    openSockets: () => [...sockets.values()].reduce((a, l) => a + l.length, 0),
    close: async () => {
      const all = [...sockets.values()].flat();
      await Promise.all(all.map((ws) => new Promise<void>((r) => (ws.readyState === WebSocket.CLOSED ? r() : (ws.once('close', () => r()), ws.close(1000))))));
    },
  };
}
