import { CSMS_INITIATED_ACTIONS, validatePayload } from '#csms/ocpp';
import { COMMAND_ACTIONS, exampleOf, supportedCommands } from './command-examples.js';

describe('command examples', () => {
  it("offers the protocol lib's own list of CSMS-initiated actions, not a copy (#csms/ocpp/portable)", () => {
    expect(COMMAND_ACTIONS).toBe(CSMS_INITIATED_ACTIONS);
  });

  it.each([...COMMAND_ACTIONS])('the %s example passes the OCPP 1.6 request schema', (action) => {
    const verdict = validatePayload(action, 'request', exampleOf(action, { now: new Date('2026-11-26T10:00:00Z') }));
    expect(verdict).toEqual({ ok: true });
  });

  it("an example names the charger's connector and open transaction when the page knows them", () => {
    const ctx = { now: new Date('2026-11-26T10:00:00Z'), connectorId: 2, transactionId: 77 };
    expect(exampleOf('RemoteStopTransaction', ctx)).toEqual({ transactionId: 77 });
    expect(exampleOf('UnlockConnector', ctx)).toEqual({ connectorId: 2 });
    expect(validatePayload('ReserveNow', 'request', exampleOf('ReserveNow', ctx))).toEqual({ ok: true });
  });

  it("a model's unsupported actions are not offered (a Pro has no GetDiagnostics)", () => {
    const offered = supportedCommands(['GetDiagnostics', 'DiagnosticsStatusNotification']);
    expect(offered).not.toContain('GetDiagnostics');
    expect(offered).toHaveLength(COMMAND_ACTIONS.length - 1);
  });
});
