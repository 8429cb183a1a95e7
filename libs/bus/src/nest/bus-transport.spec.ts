import 'reflect-metadata';
import { Controller, Inject } from '@nestjs/common';
import { Ctx, EventPattern, MessagePattern, Payload, RpcException } from '@nestjs/microservices';
import { Observable } from 'rxjs';
import { RemoteHandlerError, type Bus, type DurableMessage } from '../bus.js';
import { InProcessBus } from '../in-process/in-process-bus.js';
import { subjects } from '../subjects.js';
import { waitFor } from '#csms/testing';
import { startBusMicroservice } from '../test-support/bus-microservice.js';
import { BusContext, DurableEventPattern } from './bus-transport.js';
import { BUS } from './tokens.js';

const seen: { batches: Array<Array<DurableMessage<number>>>; audit: number[]; broadcast: string[]; rejectNext: boolean } = {
  batches: [],
  audit: [],
  broadcast: [],
  rejectNext: true,
};

@Controller()
class TestController {
  constructor(@Inject(BUS) private readonly bus: Bus) {}

  @MessagePattern('test.echo')
  echo(@Payload() data: { n: number }, @Ctx() ctx: BusContext): { n: number; subject: string; kind: string } {
    return { n: data.n + 1, subject: ctx.getSubject(), kind: this.bus.kind };
  }

  @MessagePattern('test.observable', { queue: 'custom' })
  observable(): Observable<string> {
    return new Observable((s) => {
      s.next('first');
      s.next('last');
      s.complete();
    });
  }

  @MessagePattern('test.fail')
  fail(): never {
    throw new RpcException('no such charger');
  }

  @DurableEventPattern(subjects.eventsOf('MeterValues'), { durable: 'metering-meter-values', maxBatch: 10 })
  async meterValues(@Payload() batch: Array<DurableMessage<number>>): Promise<void> {
    // down for the whole first delivery (the bus splits a failed batch and tries its parts at once)
    if (seen.rejectNext) {
      if (batch.every((m) => m.deliveryCount === 1)) throw new Error('database unavailable');
      seen.rejectNext = false;
    }
    seen.batches.push(batch);
  }

  @DurableEventPattern(subjects.eventsOf('MeterValues'), { durable: 'audit-meter-values' })
  audit(@Payload() batch: Array<DurableMessage<number>>): Observable<void> {
    return new Observable((s) => {
      seen.audit.push(...batch.map((m) => m.data));
      s.complete();
    });
  }

  @EventPattern('test.broadcast')
  broadcast(@Payload() data: string): void {
    seen.broadcast.push(data);
  }
}

describe('BusTransport (Nest microservice on InProcessBus)', () => {
  let bus: InProcessBus;
  let close: () => Promise<void>;

  beforeAll(async () => {
    ({ bus, close } = await startBusMicroservice([TestController]));
  });

  afterAll(() => close());

  test('request/reply through @MessagePattern, with the context and the injected bus', async () => {
    expect(await bus.request('test.echo', { n: 41 })).toEqual({ n: 42, subject: 'test.echo', kind: 'in-process' });
    expect(await bus.request('test.observable', {})).toBe('last');
  });

  test('an RpcException reaches the requester as RemoteHandlerError with its message', async () => {
    const failing = bus.request('test.fail', {});
    await expect(failing).rejects.toBeInstanceOf(RemoteHandlerError);
    await expect(failing).rejects.toMatchObject({ message: 'no such charger' });
  });

  test('durable @EventPattern gets batches; a failed batch is redelivered, a completed one acked', async () => {
    for (let n = 1; n <= 3; n++) await bus.publishDurable(subjects.event(`CP-${n}`, 'MeterValues'), n);
    await waitFor(() => seen.batches.flat().length === 3 && seen.audit.length === 3, 'both consumers');
    expect(seen.batches.flat().map((m) => [m.data, m.deliveryCount])).toEqual([
      [1, 2],
      [2, 2],
      [3, 2],
    ]);
    expect(seen.audit).toEqual([1, 2, 3]);
    await bus.publishDurable(subjects.event('CP-4', 'MeterValues'), 4);
    await waitFor(() => seen.batches.flat().length === 4, 'fourth');
    expect(seen.batches.flat().map((m) => m.data)).toEqual([1, 2, 3, 4]);
    expect(seen.batches[seen.batches.length - 1][0].deliveryCount).toBe(1);
  });

  test('non-durable @EventPattern subscribes', async () => {
    await bus.publish('test.broadcast', 'hello');
    await waitFor(() => seen.broadcast.length === 1, 'broadcast');
    expect(seen.broadcast).toEqual(['hello']);
  });
});
