import { MAX_MESSAGE_ID_LENGTH, newMessageId, parseFrame, serializeCall, serializeError, serializeResult, type ParsedFrame } from './framing.js';

const bad = (f: ParsedFrame) => {
  if (f.kind !== 'bad') throw new Error(`expected bad, got ${f.kind}`);
  return f;
};

describe('parseFrame', () => {
  it('parses a CALL "[2, messageId, Action, {payload}]"', () => {
    expect(parseFrame('[2,"19223201","BootNotification",{"chargePointVendor":"VendorX","chargePointModel":"SingleSocketCharger"}]')).toEqual({
      kind: 'call',
      messageId: '19223201',
      action: 'BootNotification',
      payload: { chargePointVendor: 'VendorX', chargePointModel: 'SingleSocketCharger' },
    });
  });

  it('parses a CALLRESULT "[3, messageId, {payload}]"', () => {
    expect(parseFrame('[3,"19223201",{"status":"Accepted"}]')).toEqual({ kind: 'result', messageId: '19223201', payload: { status: 'Accepted' } });
  });

  it('parses a CALLERROR "[4, messageId, errorCode, description, {details}]"', () => {
    expect(parseFrame('[4,"162376037","NotSupported","SetDisplayMessageRequest not implemented",{}]')).toEqual({
      kind: 'error',
      messageId: '162376037',
      code: 'NotSupported',
      description: 'SetDisplayMessageRequest not implemented',
      details: {},
    });
  });

  it('CALLERROR received without details: details {}', () => {
    expect(parseFrame('[4,"a","GenericError",""]')).toEqual({ kind: 'error', messageId: 'a', code: 'GenericError', description: '', details: {} });
  });

  it('"Invalid JSON: answer a CALLERROR (FormationViolation) only where the id could be read": no id', () => {
    const f = bad(parseFrame('[2,"abc","Heartbeat",{'));
    expect(f.code).toBe('FormationViolation');
    expect(f.messageId).toBeUndefined();
  });

  it.each([['{"a":1}'], ['"text"'], ['42'], ['null']])('not an array: %s is bad FormationViolation without id', (text) => {
    const f = bad(parseFrame(text));
    expect(f.code).toBe('FormationViolation');
    expect('messageId' in f).toBe(false);
  });

  it('too short: bad FormationViolation, with the id when it is a string at index 1', () => {
    expect(bad(parseFrame('[]'))).toEqual({ kind: 'bad', code: 'FormationViolation', description: expect.any(String) });
    expect(bad(parseFrame('[2]')).messageId).toBeUndefined();
    const f = bad(parseFrame('[2,"id-1"]'));
    expect(f.code).toBe('FormationViolation');
    expect(f.messageId).toBe('id-1');
  });

  it('messageId that is not a string: bad, messageId undefined', () => {
    const f = bad(parseFrame('[2,12345,"Heartbeat",{}]'));
    expect(f.code).toBe('FormationViolation');
    expect(f.messageId).toBeUndefined();
  });

  it('empty messageId: bad', () => {
    expect(bad(parseFrame('[2,"","Heartbeat",{}]')).code).toBe('FormationViolation');
  });

  it('"messageId: a string of at most 36 characters": 36 is fine, 37 is bad but the id is reported', () => {
    const ok36 = 'x'.repeat(MAX_MESSAGE_ID_LENGTH);
    expect(parseFrame(JSON.stringify([2, ok36, 'Heartbeat', {}])).kind).toBe('call');
    const long = 'y'.repeat(37);
    const f = bad(parseFrame(JSON.stringify([2, long, 'Heartbeat', {}])));
    expect(f.code).toBe('FormationViolation');
    expect(f.messageId).toBe(long);
  });

  it('"A frame with an unknown message type number: ignore its payload" [J16 §4.1.3]', () => {
    expect(parseFrame('[5,"id","whatever",{}]')).toEqual({ kind: 'ignored', reason: expect.stringContaining('5') });
    expect(parseFrame('[1,42,{}]').kind).toBe('ignored');
  });

  it('message type that is not a number: bad', () => {
    expect(bad(parseFrame('["2","id","Heartbeat",{}]')).messageId).toBe('id');
  });

  it('CALL with a non-string action: bad FormationViolation with the id', () => {
    const f = bad(parseFrame('[2,"id",7,{}]'));
    expect(f.code).toBe('FormationViolation');
    expect(f.messageId).toBe('id');
  });

  it.each([['[]'], ['null'], ['"x"'], ['3']])('CALL payload must be an object: %s is bad FormationViolation', (payload) => {
    const f = bad(parseFrame(`[2,"id","Heartbeat",${payload}]`));
    expect(f.code).toBe('FormationViolation');
    expect(f.messageId).toBe('id');
  });

  it('CALL without payload: bad', () => {
    expect(bad(parseFrame('[2,"id","Heartbeat"]')).messageId).toBe('id');
  });

  it('CALL content is not validated here (unknown action still parses)', () => {
    expect(parseFrame('[2,"id","NoSuchAction",{"x":1}]').kind).toBe('call');
  });

  it('CALLERROR with a non-string code: bad', () => {
    expect(bad(parseFrame('[4,"id",5,"",{}]')).messageId).toBe('id');
  });
});

describe('serialize', () => {
  it('serializeCall / serializeResult / serializeError produce the J16 array forms', () => {
    expect(serializeCall('1', 'Heartbeat', {})).toBe('[2,"1","Heartbeat",{}]');
    expect(serializeResult('1', { currentTime: '2024-05-01T10:00:00Z' })).toBe('[3,"1",{"currentTime":"2024-05-01T10:00:00Z"}]');
  });

  it('"details is {} when empty, description \\"\\"": serializeError defaults', () => {
    expect(serializeError('1', 'NotImplemented')).toBe('[4,"1","NotImplemented","",{}]');
    expect(serializeError('1', 'GenericError', 'boom', { hint: 'x' })).toBe('[4,"1","GenericError","boom",{"hint":"x"}]');
  });

  it('round-trips CALL, CALLRESULT and CALLERROR through parseFrame', () => {
    const id = newMessageId();
    const payload = { connectorId: 1, meterValue: [{ timestamp: '2024-05-01T10:00:00Z', sampledValue: [{ value: '1' }] }] };
    expect(parseFrame(serializeCall(id, 'MeterValues', payload))).toEqual({ kind: 'call', messageId: id, action: 'MeterValues', payload });
    expect(parseFrame(serializeResult(id, {}))).toEqual({ kind: 'result', messageId: id, payload: {} });
    expect(parseFrame(serializeError(id, 'FormationViolation', 'bad', { a: 1 }))).toEqual({
      kind: 'error',
      messageId: id,
      code: 'FormationViolation',
      description: 'bad',
      details: { a: 1 },
    });
  });

  it('newMessageId: 36 characters, different each time', () => {
    const a = newMessageId();
    expect(a).toHaveLength(36);
    expect(newMessageId()).not.toBe(a);
  });
});
