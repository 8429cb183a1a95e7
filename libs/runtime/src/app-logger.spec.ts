import { Logger } from '@nestjs/common';
import { ROOT_CONTEXT, currentTraceId, inSpan, installTraceContext } from '#csms/tracing';
import { createAppLogger, usesJson } from './app-logger.js';

function capture(run: () => void): string[] {
  const lines: string[] = [];
  const out = process.stdout.write.bind(process.stdout);
  const err = process.stderr.write.bind(process.stderr);
  const grab = (chunk: string | Uint8Array): boolean => {
    lines.push(...String(chunk).split('\n').filter(Boolean));
    return true;
  };
  process.stdout.write = grab as typeof process.stdout.write;
  process.stderr.write = grab as typeof process.stderr.write;
  try {
    run();
  } finally {
    process.stdout.write = out;
    process.stderr.write = err;
  }
  return lines;
}

describe('the app logger', () => {
  afterEach(() => Logger.overrideLogger(['log', 'error', 'warn']));

  it('writes one JSON object per line: info level, ISO time, service, context, structured fields, secrets redacted', () => {
    const logger = createAppLogger({ logLevel: 'info', logFormat: 'json' }, 'gateway');
    const lines = capture(() =>
      logger.log('charger connected', { chargerId: 'ZAP1', remote: '10.0.0.1', authorization: 'Basic c2VjcmV0', nested: { password: 'hunter2' } }, 'Session'),
    );
    expect(lines).toHaveLength(1);
    const record = JSON.parse(lines[0]) as Record<string, unknown>;
    expect(record).toMatchObject({
      level: 'info',
      service: 'gateway',
      context: 'Session',
      message: 'charger connected',
      chargerId: 'ZAP1',
      remote: '10.0.0.1',
    });
    expect(new Date(String(record.time)).toISOString()).toBe(record.time);
    expect(lines[0]).not.toContain('c2VjcmV0');
    expect(lines[0]).not.toContain('hunter2');
  });

  it("keeps Nest's route-mapping chatter out of info, and honours LOG_LEVEL", () => {
    const info = createAppLogger({ logLevel: 'info', logFormat: 'json' }, 'csms');
    expect(capture(() => info.log('Mapped {/api/v1/chargers, GET} route', 'RouterExplorer'))).toEqual([]);
    expect(capture(() => info.debug('details', 'X'))).toEqual([]);
    const debug = createAppLogger({ logLevel: 'debug', logFormat: 'json' }, 'csms');
    expect(capture(() => debug.log('Mapped {/api/v1/chargers, GET} route', 'RouterExplorer')).map((l) => JSON.parse(l).level)).toEqual(['debug']);
    const warn = createAppLogger({ logLevel: 'warn', logFormat: 'json' }, 'csms');
    expect(capture(() => warn.log('hello', 'X'))).toEqual([]);
    expect(capture(() => warn.warn('careful', 'X')).map((l) => JSON.parse(l).level)).toEqual(['warn']);
  });

  it('is JSON unless asked for pretty, or auto on a terminal', () => {
    expect(usesJson('json', true)).toBe(true);
    expect(usesJson('pretty', false)).toBe(false);
    expect(usesJson('auto', false)).toBe(true);
    expect(usesJson('auto', true)).toBe(false);
  });
});

describe('the app logger in a trace', () => {
  beforeAll(() => installTraceContext());

  it('puts the active trace id (the correlation id) and span id on every JSON line, and nothing outside a trace', async () => {
    const logger = createAppLogger({ logLevel: 'info', logFormat: 'json' }, 'metering');
    const outside = capture(() => logger.log('idle', 'X')).map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(outside[0]).not.toHaveProperty('traceId');
    let traceId = '';
    let lines: string[] = [];
    await inSpan('work', { parent: ROOT_CONTEXT }, async () => {
      traceId = currentTraceId() as string;
      await Promise.resolve();
      lines = capture(() => logger.warn('stored', { chargerId: 'ZAP1' }, 'Y'));
    });
    const record = JSON.parse(lines[0]) as Record<string, unknown>;
    expect(traceId).toMatch(/^[0-9a-f]{32}$/);
    expect(record).toMatchObject({ traceId, level: 'warn', chargerId: 'ZAP1', message: 'stored' });
    expect(record.spanId).toMatch(/^[0-9a-f]{16}$/);
    const pretty = createAppLogger({ logLevel: 'info', logFormat: 'pretty' }, 'metering');
    const prettyLines = await inSpan('again', { parent: ROOT_CONTEXT }, async () => ({ id: currentTraceId(), lines: capture(() => pretty.log('hello', 'Z')) }));
    expect(prettyLines.lines.join('\n')).toContain(String(prettyLines.id));
  });
});
