import { Code, ConnectError } from '@connectrpc/connect';
import { isAppError } from '../errors/app-error.js';
import type { Logger } from '../logging/logger.js';

const CODES: Record<string, Code> = {
  INVALID_ARGUMENT: Code.InvalidArgument,
  UNAUTHENTICATED: Code.Unauthenticated,
  PERMISSION_DENIED: Code.PermissionDenied,
  NOT_FOUND: Code.NotFound,
  ALREADY_EXISTS: Code.AlreadyExists,
  RESOURCE_EXHAUSTED: Code.ResourceExhausted,
  OUT_OF_RANGE: Code.OutOfRange,
  DATA_LOSS: Code.DataLoss,
  DEADLINE_EXCEEDED: Code.DeadlineExceeded,
  UNAVAILABLE: Code.Unavailable,
  UNIMPLEMENTED: Code.Unimplemented,
  INTERNAL: Code.Internal,
  FAILED_PRECONDITION: Code.FailedPrecondition,
  CANCELLED: Code.Canceled,
  ABORTED: Code.Aborted,
};

/**
 * AppErrors become gRPC statuses from the catalogue, with the catalogue code in the
 * `uvm-error-code` trailer so edge code can switch on it; anything else is INTERNAL without details.
 */
export function toConnectError(err: unknown, log: Logger): ConnectError {
  if (err instanceof ConnectError) return err;
  if (isAppError(err)) {
    const metadata = new Headers({ 'uvm-error-code': err.code });
    return new ConnectError(err.message, CODES[err.grpcCode] ?? Code.Unknown, metadata);
  }
  log.error({ err }, 'edge API call failed');
  return new ConnectError('internal error', Code.Internal);
}
