import { filtersFromParams, filtersToParams, listQuery } from './charger-filters.js';

describe('charger filters', () => {
  it('round-trip through the address, dropping what is malformed', () => {
    const f = filtersFromParams(new URLSearchParams('q=%20ZAP%20&connected=true&drift=maybe&status=Charging&sort=-lastSeen&limit=5000&model=zaptec-pro'));
    expect(f).toEqual({ q: 'ZAP', connected: true, status: 'Charging', sort: '-lastSeen', model: 'zaptec-pro' });
    expect(filtersFromParams(filtersToParams(f))).toEqual(f);
    expect(filtersFromParams(new URLSearchParams('status=Sleeping&sort=model'))).toEqual({});
  });

  it('the API query is the compact view with a page size, a cursor or an offset, minus what the server refused', () => {
    expect(listQuery({ connected: false }, { cursor: 'abc' }).toString()).toBe('connected=false&view=compact&limit=50&cursor=abc');
    expect(listQuery({ q: 'x' }, { offset: 50 }).toString()).toBe('q=x&view=compact&limit=50&offset=50');
    expect(listQuery({ q: 'x', drift: true }, undefined, new Set(['view', 'q', 'drift'])).toString()).toBe('limit=50');
  });
});
