import { Registry } from 'prom-client';
import { FrameCounter, OTHER_ACTION } from './frame-counter.js';

function counter(): { frames: FrameCounter; registry: Registry } {
  const registry = new Registry();
  return { frames: new FrameCounter({ name: 'test_frames_total', help: 'frames', registers: [registry] }), registry };
}

async function series(frames: FrameCounter): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  for (const v of (await frames.get()).values) out[`${String(v.labels.kind)}/${String(v.labels.action)}`] = v.value;
  return out;
}

describe('FrameCounter', () => {
  it('reports every frame counted since the last read, by kind and action, once', async () => {
    const { frames } = counter();
    frames.count('call', 'Heartbeat');
    frames.count('call', 'Heartbeat');
    frames.count('result', 'Heartbeat');
    frames.count('error');
    expect(await series(frames)).toEqual({ 'call/Heartbeat': 2, 'result/Heartbeat': 1, 'error/': 1 });
    // A second read adds nothing counted twice; a frame counted between reads is added to its series.
    frames.count('call', 'Heartbeat');
    expect(await series(frames)).toEqual({ 'call/Heartbeat': 3, 'result/Heartbeat': 1, 'error/': 1 });
  });

  it('counts in the scrape text, as Prometheus reads it', async () => {
    const { frames, registry } = counter();
    frames.count('call', 'MeterValues');
    expect(await registry.metrics()).toContain('test_frames_total{kind="call",action="MeterValues"} 1');
  });

  it('gives actions that are not OCPP 1.6 ones one series, whatever a charger names them', async () => {
    const { frames } = counter();
    for (let i = 0; i < 1_000; i++) frames.count('call', `Made-up-${i}`);
    frames.count('call', 'heartbeat'); // action names are case-sensitive [J16 §4.2.1]
    expect(await series(frames)).toEqual({ [`call/${OTHER_ACTION}`]: 1_001 });
  });
});
