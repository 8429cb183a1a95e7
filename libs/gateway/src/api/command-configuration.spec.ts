import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { InProcessBus } from '#csms/bus';
import { ok } from '#csms/http';
import { keepAcceptedChange } from './command-configuration.js';
import * as configManagerVerbs from '#csms/config-manager/verbs';

describe('keepAcceptedChange: an accepted ChangeConfiguration from the command API kept as desired', () => {
  let bus: InProcessBus;
  beforeAll(async () => {
    bus = await InProcessBus.open();
  });
  afterAll(async () => bus.close());

  it('asks config-manager only for Accepted and RebootRequired, and passes its answer on', async () => {
    const asked: unknown[] = [];
    const sub = await bus.serve(configManagerVerbs.recordCommandChange.subject, async (body) => (asked.push(body), ok({ recorded: true, level: 'charger' })), {
      queue: 'config-manager',
    });
    try {
      const change = { key: 'MeterValueSampleInterval', value: '10' };
      expect(await keepAcceptedChange(bus, 'CP1', change, { status: 'Accepted' }, 'api:ops')).toEqual({ recorded: true, level: 'charger' });
      expect(await keepAcceptedChange(bus, 'CP1', change, { status: 'RebootRequired' }, 'api:ops')).toEqual({ recorded: true, level: 'charger' });
      expect(await keepAcceptedChange(bus, 'CP1', change, { status: 'Rejected' }, 'api:ops')).toBeUndefined();
      expect(asked).toEqual([
        { chargerId: 'CP1', key: 'MeterValueSampleInterval', value: '10', status: 'Accepted', actor: 'api:ops' },
        { chargerId: 'CP1', key: 'MeterValueSampleInterval', value: '10', status: 'RebootRequired', actor: 'api:ops' },
      ]);
    } finally {
      await sub.unsubscribe();
    }
  });

  it("config-manager not running: the charger's answer stands, and the caller is told the change may be undone", async () => {
    const r = await keepAcceptedChange(bus, 'CP1', { key: 'HeartbeatInterval', value: '60' }, { status: 'Accepted' }, 'api:ops');
    expect(r).toMatchObject({ recorded: false, reason: expect.stringMatching(/may undo the change/) });
  });
});
