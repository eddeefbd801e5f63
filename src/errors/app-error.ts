import { ERROR_CATALOGUE, type ErrorCode } from './catalogue.js';

/**
 * The one error type services throw for anything a caller did or may see. Transports map it:
 * HTTP to `{error: {code, message, details}}` with the catalogue's status, gRPC (edge API) to the
 * catalogue's gRPC code. Anything that is not an AppError is an internal error.
 */
export class AppError extends Error {
  readonly httpStatus: number;
  readonly grpcCode: string;

  constructor(
    readonly code: ErrorCode,
    message?: string,
    readonly details?: Record<string, unknown>,
    options?: { cause?: unknown },
  ) {
    super(message ?? ERROR_CATALOGUE[code].message, options);
    this.name = 'AppError';
    this.httpStatus = ERROR_CATALOGUE[code].http;
    this.grpcCode = ERROR_CATALOGUE[code].grpc;
  }
}

export function isAppError(err: unknown): err is AppError {
  return err instanceof AppError;
}
