/**
 * One socket write for the JetStream publishes of a whole event-loop turn, not one each.
 *
 * The NATS client writes its outbound buffer one microtask after the first command in it. Each charger's frame is
 * its own I/O callback, so under load every MeterValues paid a write to the NATS socket of its own: on loopback a
 * write also runs the receiver's TCP work, and those writes were the largest single cost of the durable path in its
 * profile (docs/benchmarks.md#the-durable-paths-per-message-costs). Publishes that wait for this turn's check phase
 * (`setImmediate`, after the poll phase handled every socket that was ready) are issued back to back, so the client's
 * one flush carries them all. The wait is one loop turn, not a timer: an idle process publishes at once.
 */
let turn: Promise<void> | undefined;

/** Resolves in this turn's check phase; every caller of the same turn shares it. */
export function publishTurn(): Promise<void> {
  turn ??= new Promise<void>((resolve) =>
    setImmediate(() => {
      turn = undefined;
      resolve();
    }),
  );
  return turn;
}
