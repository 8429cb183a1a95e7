/**
 * Trace propagation every Bus must show (docs/deploy.md#37-logs-and-traces): what a handler runs under
 * continues the sender's trace, over request/reply, broadcast and the durable stream, with and without an
 * SDK. Run against each implementation (in-process spec, NatsBus infra test).
 */
import { randomBytes } from 'node:crypto';
import { ROOT_CONTEXT, currentTraceId, inSpan, installTraceContext } from '#csms/tracing';
import { recordSpans, waitFor, type SpanRecorder } from '#csms/testing';
import type { Bus, DurableMessage, Subscription } from '../bus.js';
import { subjects } from '../subjects.js';

const uid = (): string => randomBytes(4).toString('hex');

/** Runs `fn` as the root of a new trace; resolves with its trace id. */
async function inRoot(fn: () => Promise<unknown>): Promise<string> {
  return inSpan('test root', { parent: ROOT_CONTEXT }, async () => {
    await fn();
    return currentTraceId() as string;
  });
}

export function traceContract(name: string, factory: () => Promise<Bus>): void {
  describe(`trace propagation: ${name}`, () => {
    let bus: Bus;
    const subs: Subscription[] = [];
    beforeAll(() => installTraceContext());
    beforeEach(async () => {
      bus = await factory();
    });
    afterEach(async () => {
      for (const s of subs.splice(0)) await s.unsubscribe();
      await bus.close();
    });

    /** The three hops; each returns the trace id sent and the one the handler ran under. */
    async function hops(): Promise<Record<'request' | 'publish' | 'durable', { sent: string; seen?: string; carried?: string }>> {
      const subject = `t${uid()}`;
      const seen: Record<string, string | undefined> = {};
      let carried: string | undefined;
      subs.push(await bus.serve<string, string>(`${subject}.req`, async (d) => ((seen.request = currentTraceId()), d)));
      subs.push(await bus.subscribe<string>(`${subject}.pub`, () => void (seen.publish = currentTraceId())));
      const chargerId = `TRACE${uid()}`;
      subs.push(
        await bus.consume<string>(
          { durable: `trace-${uid()}`, filterSubjects: [subjects.event(chargerId, 'MeterValues')], maxWaitMs: 0 },
          async (batch: DurableMessage<string>[]) => {
            seen.durable = currentTraceId();
            carried = batch[0].trace?.traceparent;
          },
        ),
      );
      const request = await inRoot(() => bus.request(`${subject}.req`, 'x'));
      const publish = await inRoot(() => bus.publish(`${subject}.pub`, 'x'));
      const durable = await inRoot(() => bus.publishDurable(subjects.event(chargerId, 'MeterValues'), 'x'));
      await waitFor(() => seen.publish !== undefined && seen.durable !== undefined, 'the published messages handled');
      return {
        request: { sent: request, seen: seen.request },
        publish: { sent: publish, seen: seen.publish },
        durable: { sent: durable, seen: seen.durable, carried },
      };
    }

    test('without an SDK, the correlation id (trace id) still reaches every handler', async () => {
      const out = await hops();
      for (const hop of Object.values(out)) {
        expect(hop.sent).toMatch(/^[0-9a-f]{32}$/);
        expect(hop.seen).toBe(hop.sent);
      }
      // the durable message keeps the W3C traceparent it was published with (not sampled: no SDK)
      expect(out.durable.carried).toBe(`00-${out.durable.sent}-${out.durable.carried?.split('-')[2]}-00`);
    });

    describe('with the SDK', () => {
      let recorder: SpanRecorder;
      beforeAll(() => {
        recorder = recordSpans();
      });
      afterAll(async () => recorder.stop());

      test("each hop is a send span and a receive span, child of it, in the sender's trace", async () => {
        recorder.reset();
        const out = await hops();
        const spans = recorder.spans();
        for (const [hop, sendName, receiveName] of [
          ['request', 'request t', 'serve t'],
          ['publish', 'publish t', 'process t'],
          ['durable', 'publish ocpp.v16.evt.{cp}.MeterValues', 'process trace-'],
        ] as const) {
          const { sent, seen } = out[hop];
          expect(seen).toBe(sent);
          const inTrace = spans.filter((s) => s.traceId === sent);
          const root = inTrace.find((s) => s.name === 'test root');
          const send = inTrace.find((s) => s.name.startsWith(sendName));
          const receive = inTrace.find((s) => s.name.startsWith(receiveName));
          expect({ hop, root: !!root, send: send?.parentSpanId === root?.spanId, receive: receive?.parentSpanId === send?.spanId }).toEqual({
            hop,
            root: true,
            send: true,
            receive: true,
          });
        }
        // the batch span links every message it carried
        const batch = spans.find((s) => s.traceId === out.durable.sent && s.name.startsWith('process trace-'));
        expect(batch?.links.map((l) => l.traceId)).toEqual([out.durable.sent]);
        expect(out.durable.carried).toMatch(new RegExp(`^00-${out.durable.sent}-[0-9a-f]{16}-01$`));
      });
    });
  });
}
