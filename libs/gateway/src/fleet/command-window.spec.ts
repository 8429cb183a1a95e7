import { describe, expect, it } from '@jest/globals';
import { InProcessBus, recordFact, type CommandOutcomeFact } from '#csms/bus';
import { waitFor } from '#csms/testing';
import { CommandWindow } from './command-window.js';

const MINUTE = 60_000;

describe('CommandWindow', () => {
  it('counts commands and CALLERRORs of the last hour, minute by minute', () => {
    const w = new CommandWindow(undefined as never);
    const t0 = 1_000 * MINUTE;
    w.add({ status: 'ok' }, t0);
    w.add({ status: 'callerror' }, t0 + 30 * MINUTE);
    w.add({ status: 'timeout' }, t0 + 59 * MINUTE);
    expect(w.lastHour(t0 + 59 * MINUTE)).toEqual({ commands: 3, callErrors: 1 });
    expect(w.lastHour(t0 + 60 * MINUTE)).toEqual({ commands: 2, callErrors: 1 });
    expect(w.lastHour(t0 + 120 * MINUTE)).toEqual({ commands: 0, callErrors: 0 });
  });

  it('reads the CommandOutcome facts of the events stream', async () => {
    const bus = await InProcessBus.open();
    const w = new CommandWindow(bus);
    await w.start(); // the reader starts at the stream's end: the facts come after it opened
    const fact = (status: CommandOutcomeFact['status']): CommandOutcomeFact => ({
      chargerId: 'CP1',
      commandId: `c-${status}`,
      action: 'Reset',
      payload: {},
      status,
      finishedAt: new Date().toISOString(),
      gatewayId: 'gw',
      sessionId: 's',
    });
    await recordFact(bus, 'CP1', 'CommandOutcome', fact('ok'));
    await recordFact(bus, 'CP1', 'CommandOutcome', fact('callerror'));
    await waitFor(() => w.lastHour(Date.now()).commands === 2, 'both outcomes counted');
    expect(w.lastHour(Date.now())).toEqual({ commands: 2, callErrors: 1 });
    await w.onModuleDestroy();
    await bus.close();
  });
});
