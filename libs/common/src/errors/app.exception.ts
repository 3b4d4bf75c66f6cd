import { HttpException, HttpStatus } from '@nestjs/common';
import { ErrorCode } from './error-codes.js';

export interface ErrorBody {
  code: string;
  message: string;
  details?: unknown;
}

/** The one exception type use cases throw: a stable code, an HTTP status and a safe message. */
export class AppException extends HttpException {
  constructor(
    readonly code: ErrorCode,
    message: string,
    status: number,
    readonly details?: unknown,
    /** Extra response headers, e.g. Retry-After. */
    readonly headers?: Record<string, string>,
  ) {
    super({ code, message, details }, status);
  }

  static badRequest(message: string, details?: unknown) {
    return new AppException(ErrorCode.BAD_REQUEST, message, HttpStatus.BAD_REQUEST, details);
  }
  static validation(message: string, details?: unknown) {
    return new AppException(ErrorCode.VALIDATION_FAILED, message, HttpStatus.BAD_REQUEST, details);
  }
  static unauthorized(message = 'Authentication required', code: ErrorCode = ErrorCode.UNAUTHORIZED) {
    return new AppException(code, message, HttpStatus.UNAUTHORIZED);
  }
  static forbidden(message = 'You do not have permission to do this') {
    return new AppException(ErrorCode.FORBIDDEN, message, HttpStatus.FORBIDDEN);
  }
  static notFound(what = 'Resource') {
    return new AppException(ErrorCode.NOT_FOUND, `${what} not found`, HttpStatus.NOT_FOUND);
  }
  static conflict(message: string, details?: unknown) {
    return new AppException(ErrorCode.CONFLICT, message, HttpStatus.CONFLICT, details);
  }
  static unprocessable(message: string, details?: unknown, code: ErrorCode = ErrorCode.UNPROCESSABLE) {
    return new AppException(code, message, HttpStatus.UNPROCESSABLE_ENTITY, details);
  }
  static rateLimited(retryAfterSeconds: number, message = 'Too many requests', code: ErrorCode = ErrorCode.RATE_LIMITED) {
    const retry = String(Math.max(1, Math.ceil(retryAfterSeconds)));
    return new AppException(
      code,
      message,
      HttpStatus.TOO_MANY_REQUESTS,
      { retry_after_seconds: Number(retry) },
      {
        'retry-after': retry,
      },
    );
  }
  static unavailable(message: string) {
    return new AppException(ErrorCode.SERVICE_UNAVAILABLE, message, HttpStatus.SERVICE_UNAVAILABLE);
  }
}
