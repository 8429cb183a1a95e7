import { ROOT_CONTEXT, currentSpanId, currentTraceId, inSpan, inSpanMaybeAsync, installTraceContext } from './index.js';
import { TRACEPARENT_HEADER, injectTrace, randomIdHex } from './trace-context.js';

describe('made-up trace ids', () => {
  beforeAll(() => installTraceContext());

  it('are lower-case hex of the asked length', () => {
    expect(randomIdHex(16)).toMatch(/^[0-9a-f]{32}$/);
    expect(randomIdHex(8)).toMatch(/^[0-9a-f]{16}$/);
  });

  it('stay distinct across refills of the pool (24 bytes a span, the pool 4 KiB)', async () => {
    const traces = new Set<string>();
    const spans = new Set<string>();
    for (let i = 0; i < 1_000; i++) {
      await inSpan('probe', { parent: ROOT_CONTEXT }, async () => {
        traces.add(currentTraceId() ?? 'none');
        spans.add(currentSpanId() ?? 'none');
      });
    }
    expect(traces.size).toBe(1_000);
    expect(spans.size).toBe(1_000);
    expect(traces.has('none')).toBe(false);
    expect([...traces].every((t) => /^[0-9a-f]{32}$/.test(t) && !/^0+$/.test(t))).toBe(true);
  });

  it('are drawn when first read and are the same at every later read, in the carrier of a bus hop too', () => {
    inSpanMaybeAsync('lazy', { parent: ROOT_CONTEXT }, () => {
      const first = { trace: currentTraceId(), span: currentSpanId() };
      expect(first.trace).toMatch(/^[0-9a-f]{32}$/);
      expect(first.span).toMatch(/^[0-9a-f]{16}$/);
      expect({ trace: currentTraceId(), span: currentSpanId() }).toEqual(first);
      expect(injectTrace()[TRACEPARENT_HEADER]).toBe(`00-${first.trace}-${first.span}-00`);
    });
  });

  it('a span inside a span keeps its parent trace', async () => {
    await inSpan('outer', { parent: ROOT_CONTEXT }, async () => {
      const outer = currentTraceId();
      await inSpan('inner', {}, async () => expect(currentTraceId()).toBe(outer));
    });
  });
});

describe('inSpanMaybeAsync', () => {
  beforeAll(() => installTraceContext());

  it('returns a plain value, not a promise, when the work finishes at once, with the trace active inside', () => {
    let seen: string | undefined;
    const out = inSpanMaybeAsync('sync', { parent: ROOT_CONTEXT }, () => {
      seen = currentTraceId();
      return 42;
    });
    expect(out).toBe(42);
    expect(seen).toMatch(/^[0-9a-f]{32}$/);
    expect(currentTraceId()).toBeUndefined();
  });

  it('a synchronous throw is thrown to the caller; inSpan turns it into a rejection as an async function would', async () => {
    expect(() =>
      inSpanMaybeAsync('sync', { parent: ROOT_CONTEXT }, () => {
        throw new Error('at once');
      }),
    ).toThrow('at once');
    await expect(
      inSpan('async', { parent: ROOT_CONTEXT }, () => {
        throw new Error('at once');
      }),
    ).rejects.toThrow('at once');
  });

  it('passes a promise through, its trace still active after an await inside', async () => {
    const out = inSpanMaybeAsync('async', { parent: ROOT_CONTEXT }, async () => {
      const before = currentTraceId();
      await new Promise((r) => setTimeout(r, 1));
      return [before, currentTraceId()];
    });
    expect(out).toBeInstanceOf(Promise);
    const [before, after] = await out;
    expect(before).toMatch(/^[0-9a-f]{32}$/);
    expect(after).toBe(before);
  });
});
