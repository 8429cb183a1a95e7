import { ConsoleLogger, type ConsoleLoggerOptions, type LogLevel } from '@nestjs/common';
import type { AppConfig } from '#csms/config';
import { currentSpanId, currentTraceId } from '#csms/tracing';

export const LOG_LEVELS: Record<AppConfig['logLevel'], LogLevel[]> = {
  error: ['fatal', 'error'],
  warn: ['fatal', 'error', 'warn'],
  info: ['fatal', 'error', 'warn', 'log'],
  debug: ['fatal', 'error', 'warn', 'log', 'debug', 'verbose'],
};

/**
 * Nest's own start-up chatter (one line per mapped route and per module: 70 of 77 start-up lines) is
 * debug detail, not what an operator's log pipeline should carry at info.
 */
const STARTUP_DETAIL = new Set(['RouterExplorer', 'RoutesResolver', 'InstanceLoader']);

/** Keys whose values never reach a log line, at any depth of a structured log value. */
export const REDACTED_KEYS = [
  'password',
  'authorizationKey',
  'authorization',
  'token',
  'accessToken',
  'access_token',
  'secret',
  'nkeySeed',
  'idToken',
  'cookie',
];

/**
 * The one logger of every process (Nest's ConsoleLogger: JSON lines with level, time, pid, context and
 * structured fields flattened into the record, secrets redacted by key). LOG_FORMAT=json or pretty; by
 * default JSON unless stdout is a terminal, so a pod's log pipeline gets JSON and a laptop gets colours.
 */
export class AppLogger extends ConsoleLogger {
  private service = '';

  static create(service: string, options: ConsoleLoggerOptions): AppLogger {
    const logger = new AppLogger(options);
    logger.service = service;
    return logger;
  }

  override log(message: unknown, ...optionalParams: unknown[]): void {
    const context = optionalParams.at(-1);
    if (typeof context === 'string' && STARTUP_DETAIL.has(context)) super.debug(message, ...optionalParams);
    else super.log(message, ...optionalParams);
  }

  /**
   * Log pipelines expect `info` (Nest says `log`), an ISO time, and which service wrote the line; a line
   * written on the path of a charger CALL or an API request carries its correlation id, the W3C trace id
   * (`traceId`, with the `spanId` of the step), from the active context (docs/deploy.md#37-logs-and-traces).
   */
  protected override stringifyJsonLogObject(record: Record<string, unknown>): string {
    const time = typeof record.timestamp === 'number' ? new Date(record.timestamp).toISOString() : undefined;
    const { level, timestamp: _timestamp, ...rest } = record;
    const traceId = currentTraceId();
    const trace = traceId ? { traceId, spanId: currentSpanId() } : {};
    return super.stringifyJsonLogObject({ time, level: level === 'log' ? 'info' : level, service: this.service, ...trace, ...rest });
  }

  /** Pretty lines too: the trace id after the context, so a developer can grep one CALL's path. */
  protected override formatContext(context: string): string {
    const traceId = currentTraceId();
    return super.formatContext(context) + (traceId ? `(${traceId}) ` : '');
  }
}

export function usesJson(format: AppConfig['logFormat'], stdoutIsTty: boolean = Boolean(process.stdout.isTTY)): boolean {
  return format === 'json' || (format === 'auto' && !stdoutIsTty);
}

export function createAppLogger(config: Pick<AppConfig, 'logLevel' | 'logFormat'>, service: string): AppLogger {
  const json = usesJson(config.logFormat);
  return AppLogger.create(service, {
    json,
    colors: !json,
    prefix: service,
    logLevels: LOG_LEVELS[config.logLevel],
    structuredParams: true,
    flattenParams: true,
    redact: REDACTED_KEYS,
  });
}
