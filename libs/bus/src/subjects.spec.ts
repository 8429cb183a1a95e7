import { parseCommandSubject, parseConnectionSubject, subjects } from './subjects.js';

describe('subjects', () => {
  // Identities OCPP allows that NATS tokens cannot hold as they are (OCPP-J §3.1.1 only asks for URL encoding).
  const identities = ['ZAP000123', 'zap000123', 'cp.with.dots', 'cp*wild>card', 'cp ~space', 'Ladestasjon-Ø1'];

  it.each(identities)('reads the charger %p back off its command subject', (id) => {
    expect(parseCommandSubject(subjects.command(id))).toBe(id);
  });

  it('reads no charger off a subject that is not a command subject', () => {
    expect(parseCommandSubject(subjects.connection('ZAP000123'))).toBeUndefined();
    expect(parseCommandSubject(subjects.event('ZAP000123', 'MeterValues'))).toBeUndefined();
    expect(parseConnectionSubject(subjects.command('ZAP000123'))).toBeUndefined();
  });
});
