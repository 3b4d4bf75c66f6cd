import { BadRequestException, ForbiddenException } from '@nestjs/common';
import { describe, expect, it } from '@jest/globals';
import { AppException } from './app.exception.js';
import { toErrorResponse } from './to-error-response.js';

describe('toErrorResponse', () => {
  it('keeps an AppException code, status, details and headers', () => {
    const m = toErrorResponse(AppException.rateLimited(12.2));
    expect(m).toMatchObject({ status: 429, body: { code: 'RATE_LIMITED' }, headers: { 'retry-after': '13' }, internal: false });
  });

  it('maps Nest HTTP exceptions by status', () => {
    expect(toErrorResponse(new ForbiddenException())).toMatchObject({ status: 403, body: { code: 'FORBIDDEN' } });
    expect(toErrorResponse(new BadRequestException('nope'))).toMatchObject({ status: 400, body: { code: 'BAD_REQUEST', message: 'nope' } });
  });

  it.each([
    ['23505', 409, 'CONFLICT'],
    ['23503', 409, 'CONFLICT'],
    ['22P02', 400, 'VALIDATION_FAILED'],
    ['22001', 400, 'VALIDATION_FAILED'],
  ])('maps PostgreSQL error %s to %d %s without leaking the driver message', (pgCode, status, code) => {
    const err = Object.assign(new Error('duplicate key value violates unique constraint "users_email_key"'), {
      name: 'QueryFailedError',
      driverError: { code: pgCode, detail: 'Key (email)=(a@b.c) already exists.' },
    });
    const m = toErrorResponse(err);
    expect(m).toMatchObject({ status, body: { code } });
    expect(JSON.stringify(m.body)).not.toContain('users_email_key');
    expect(JSON.stringify(m.body)).not.toContain('a@b.c');
  });

  it.each([
    ['a pool without a free connection', new Error('timeout exceeded when trying to connect')],
    ['a dropped connection', new Error('Connection terminated unexpectedly')],
    [
      'a statement timeout',
      Object.assign(new Error('canceling statement due to statement timeout'), {
        name: 'QueryFailedError',
        driverError: { code: '57014' },
      }),
    ],
    ['too many connections', Object.assign(new Error('sorry, too many clients already'), { code: '53300' })],
  ])('maps %s to 503 with Retry-After (an outage, logged, not a bug on client input)', (_case, err) => {
    expect(toErrorResponse(err)).toMatchObject({
      status: 503,
      body: { code: 'SERVICE_UNAVAILABLE' },
      headers: { 'retry-after': '1' },
      internal: true,
    });
    expect(toErrorResponse(new Error('timeout exceeded when trying to connect to the moon')).status).toBe(500);
  });

  it('maps Fastify body errors', () => {
    expect(toErrorResponse(Object.assign(new Error('x'), { code: 'FST_ERR_CTP_BODY_TOO_LARGE', statusCode: 413 }))).toMatchObject({
      status: 413,
      body: { code: 'PAYLOAD_TOO_LARGE' },
    });
    expect(toErrorResponse(Object.assign(new SyntaxError('Unexpected token'), { statusCode: 400 }))).toMatchObject({
      status: 400,
      body: { code: 'BAD_REQUEST', message: 'Malformed JSON body' },
    });
  });

  it('hides anything unknown behind a 500 INTERNAL_ERROR with no detail', () => {
    const m = toErrorResponse(new TypeError('secret internals at /srv/app.js:12'));
    expect(m).toEqual({ status: 500, body: { code: 'INTERNAL_ERROR', message: 'Internal server error' }, internal: true });
  });
});
