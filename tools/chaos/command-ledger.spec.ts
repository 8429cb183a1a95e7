import { addExecutions, judgeCommands, ledgerProblems } from './command-ledger.js';

describe('judgeCommands', () => {
  it('passes a clean run: 200s executed once, 404s never, 424/504 at most once', () => {
    const v = judgeCommands(
      [
        { id: 'a', chargerId: 'C1', status: 200 },
        { id: 'b', chargerId: 'C1', status: 404 },
        { id: 'c', chargerId: 'C2', status: 424 },
        { id: 'd', chargerId: 'C2', status: 504 },
        { id: 'e', chargerId: 'C3', status: 0, phase: 'gateway A SIGKILL' },
      ],
      { a: 1, c: 1 },
    );
    expect(v).toMatchObject({ sent: 5, executed: 2, byStatus: { 200: 1, 404: 1, 424: 1, 504: 1, 0: 1 } });
    expect(v.failuresByPhase).toEqual({ steady: { 404: 1, 424: 1, 504: 1 }, 'gateway A SIGKILL': { 0: 1 } });
    expect(ledgerProblems(v)).toEqual([]);
  });

  it('names every broken rule', () => {
    const v = judgeCommands(
      [
        { id: 'twice', chargerId: 'C1', status: 200 },
        { id: 'lost', chargerId: 'C1', status: 200 },
        { id: 'ghost', chargerId: 'C2', status: 404 },
        { id: 'late', chargerId: 'C2', status: 504 },
        { id: 'crash', chargerId: 'C3', status: 500, phase: 'metering SIGKILL' },
      ],
      { twice: 2, ghost: 1, late: 3, stranger: 1 },
    );
    expect(v.executedTwice).toEqual(['twice (C1, HTTP 200, 2 times)', 'late (C2, HTTP 504, 3 times)']);
    expect(v.okNotExecuted).toEqual(['lost (C1)']);
    expect(v.notConnectedButExecuted).toEqual(['ghost (C2)']);
    expect(v.executedUnknown).toEqual(['stranger']);
    expect(ledgerProblems(v)).toHaveLength(5);
    expect(ledgerProblems(v)[4]).toBe('1 commands answered 500 (1 during metering SIGKILL)');
  });

  it('adds executions counted in several processes', () => {
    expect(addExecutions({ a: 1 }, { a: 1, b: 2 })).toEqual({ a: 2, b: 2 });
  });
});
