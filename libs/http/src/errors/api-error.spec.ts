import { BadRequestException, HttpException, NotFoundException, ParseIntPipe } from '@nestjs/common';
import { toApiError } from './api-error.js';

describe('toApiError: one error shape for every 4xx/5xx', () => {
  it('keeps the body our code built', () => {
    const body = { error: 'validation_failed', message: 'x: bad', errors: [{ field: 'x', rule: 'isInt', message: 'bad' }] };
    expect(toApiError(new BadRequestException(body))).toEqual({ status: 400, body, unexpected: false });
  });

  it("turns Nest's own 404 for an unknown route into the shape", () => {
    expect(toApiError(new NotFoundException('Cannot GET /api/v1/nope'))).toEqual({
      status: 404,
      body: { error: 'not_found', message: 'Cannot GET /api/v1/nope' },
      unexpected: false,
    });
  });

  it("turns a Nest pipe's 400 into validation_failed", async () => {
    const err = await new ParseIntPipe().transform('abc', { type: 'param', data: 'id' }).catch((e: unknown) => e);
    expect(toApiError(err)).toEqual({
      status: 400,
      body: { error: 'validation_failed', message: expect.stringContaining('numeric string') },
      unexpected: false,
    });
  });

  it('a 429 and a string body get a code', () => {
    expect(toApiError(new HttpException('slow down', 429)).body).toEqual({ error: 'too_many_requests', message: 'slow down' });
  });

  it("body-parser's errors keep their status", () => {
    const parse = Object.assign(new SyntaxError('Unexpected token'), { status: 400, expose: true, type: 'entity.parse.failed' });
    expect(toApiError(parse)).toEqual({ status: 400, body: { error: 'invalid_json', message: 'Unexpected token' }, unexpected: false });
    const big = Object.assign(new Error('request entity too large'), { status: 413, expose: true, type: 'entity.too.large' });
    expect(toApiError(big).body.error).toBe('payload_too_large');
  });

  it('anything else is a 500 that tells the client nothing of the internals', () => {
    const e = toApiError(new TypeError('cannot read properties of undefined (reading "secret")'));
    expect(e).toEqual({ status: 500, body: { error: 'internal_error', message: 'internal server error (logged on the server)' }, unexpected: true });
  });
});
