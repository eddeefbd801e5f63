import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { AppError, isAppError } from '../errors/app-error.js';
import type { ErrorCode } from '../errors/catalogue.js';

/** Fastify's own errors, mapped onto the catalogue so clients see one error format. */
const FASTIFY_CODES: Record<string, ErrorCode> = {
  FST_ERR_CTP_INVALID_JSON_BODY: 'invalid_json',
  FST_ERR_CTP_EMPTY_JSON_BODY: 'invalid_json',
  FST_ERR_CTP_BODY_TOO_LARGE: 'payload_too_large',
  FST_ERR_CTP_INVALID_MEDIA_TYPE: 'unsupported_media_type',
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: 'bad_request',
  FST_ERR_VALIDATION: 'validation_failed',
};

export function toAppError(err: unknown): AppError {
  if (isAppError(err)) return err;
  const fe = err as FastifyError & {
    validation?: { instancePath: string; message?: string; params?: unknown }[];
    validationContext?: string;
  };
  if (fe.validation) {
    const where = fe.validationContext ?? 'request';
    const problems = fe.validation.map((v) => ({
      field: `${where}${v.instancePath.replace(/\//g, '.')}`,
      message: v.message ?? 'invalid',
      params: v.params,
    }));
    return new AppError(
      'validation_failed',
      `invalid ${where}: ${problems.map((p) => `${p.field} ${p.message}`).join('; ')}`,
      { problems },
    );
  }
  const mapped = fe.code ? FASTIFY_CODES[fe.code] : undefined;
  if (mapped) return new AppError(mapped, fe.message);
  if (fe.statusCode && fe.statusCode >= 400 && fe.statusCode < 500)
    return new AppError('bad_request', fe.message);
  return new AppError('internal', undefined, undefined, { cause: err });
}

/** Renders every error as `{error: {code, message, details}}`; never leaks internals on a 500. */
export function errorHandler(err: unknown, request: FastifyRequest, reply: FastifyReply): void {
  const appError = toAppError(err);
  if (appError.httpStatus >= 500) request.log.error({ err }, 'request failed');
  else request.log.info({ code: appError.code, msg: appError.message }, 'request refused');
  void reply.code(appError.httpStatus).send({
    error: {
      code: appError.code,
      message: appError.message,
      ...(appError.details ? { details: appError.details } : {}),
      requestId: request.id,
    },
  });
}
