/**
 * Every error code the service can return, with its HTTP status, its gRPC status name (for the
 * edge API) and a default message. Codes are stable API: clients switch on them, so never rename
 * one; add a new code instead.
 */
export const ERROR_CATALOGUE = {
  // request shape
  bad_request: { http: 400, grpc: 'INVALID_ARGUMENT', message: 'The request is malformed.' },
  validation_failed: { http: 400, grpc: 'INVALID_ARGUMENT', message: 'The request failed validation.' },
  invalid_json: { http: 400, grpc: 'INVALID_ARGUMENT', message: 'The request body is not valid JSON.' },
  unsupported_media_type: {
    http: 415,
    grpc: 'INVALID_ARGUMENT',
    message: 'The content type is not supported.',
  },
  payload_too_large: { http: 413, grpc: 'RESOURCE_EXHAUSTED', message: 'The request body is too large.' },
  uri_too_long: {
    http: 414,
    grpc: 'INVALID_ARGUMENT',
    message: 'A path parameter of the request is too long.',
  },
  headers_too_large: {
    http: 431,
    grpc: 'INVALID_ARGUMENT',
    message: 'The request headers are too large.',
  },
  invalid_blob_key: { http: 400, grpc: 'INVALID_ARGUMENT', message: 'The object key is not allowed.' },
  range_not_satisfiable: {
    http: 416,
    grpc: 'OUT_OF_RANGE',
    message: 'The requested range is not satisfiable.',
  },
  // authentication and authorisation
  unauthenticated: { http: 401, grpc: 'UNAUTHENTICATED', message: 'A valid API token is required.' },
  token_invalid: { http: 401, grpc: 'UNAUTHENTICATED', message: 'The API token is not valid.' },
  token_revoked: { http: 401, grpc: 'UNAUTHENTICATED', message: 'The API token has been revoked.' },
  token_expired: { http: 401, grpc: 'UNAUTHENTICATED', message: 'The API token has expired.' },
  bootstrap_token_invalid: {
    http: 401,
    grpc: 'UNAUTHENTICATED',
    message: 'The bootstrap token is not valid.',
  },
  bootstrap_token_expired: {
    http: 401,
    grpc: 'UNAUTHENTICATED',
    message: 'The bootstrap token has expired.',
  },
  bootstrap_token_used_up: {
    http: 401,
    grpc: 'UNAUTHENTICATED',
    message: 'The bootstrap token has no uses left.',
  },
  bootstrap_token_revoked: {
    http: 401,
    grpc: 'UNAUTHENTICATED',
    message: 'The bootstrap token has been revoked.',
  },
  edge_certificate_required: {
    http: 401,
    grpc: 'UNAUTHENTICATED',
    message: 'This call needs the client certificate issued at enrollment.',
  },
  edge_unknown: {
    http: 401,
    grpc: 'UNAUTHENTICATED',
    message: 'The client certificate belongs to no enrolled edge.',
  },
  edge_revoked: { http: 403, grpc: 'PERMISSION_DENIED', message: 'This edge has been revoked.' },
  certificate_superseded: {
    http: 403,
    grpc: 'PERMISSION_DENIED',
    message: 'This certificate was replaced by a newer one.',
  },
  certificate_expired: {
    http: 401,
    grpc: 'UNAUTHENTICATED',
    message: 'The client certificate has expired; enrol again.',
  },
  tunnel_required: {
    http: 403,
    grpc: 'PERMISSION_DENIED',
    message: 'This call must come through the WireGuard tunnel.',
  },
  bootstrap_token_wrong_edge: {
    http: 403,
    grpc: 'PERMISSION_DENIED',
    message: 'This bootstrap token re-enrols another edge.',
  },
  camera_not_allowed: { http: 403, grpc: 'PERMISSION_DENIED', message: 'This edge may not use that camera.' },
  forbidden: { http: 403, grpc: 'PERMISSION_DENIED', message: 'This token may not perform this operation.' },
  // resources
  not_found: { http: 404, grpc: 'NOT_FOUND', message: 'The resource does not exist.' },
  route_not_found: { http: 404, grpc: 'UNIMPLEMENTED', message: 'No such route.' },
  method_not_allowed: { http: 405, grpc: 'UNIMPLEMENTED', message: 'Method not allowed.' },
  conflict: { http: 409, grpc: 'ALREADY_EXISTS', message: 'The resource conflicts with an existing one.' },
  edge_name_taken: {
    http: 409,
    grpc: 'ALREADY_EXISTS',
    message: 'An edge with this name is already enrolled; re-enrolling it needs a token made for it.',
  },
  upload_in_progress: {
    http: 409,
    grpc: 'ABORTED',
    message: 'Another upload of the same object is running.',
  },
  integrity_mismatch: {
    http: 422,
    grpc: 'DATA_LOSS',
    message: 'The content does not match its declared size or sha256.',
  },
  tunnel_subnet_exhausted: {
    http: 409,
    grpc: 'RESOURCE_EXHAUSTED',
    message: 'No tunnel address is left in the configured subnet.',
  },
  quota_exceeded: { http: 507, grpc: 'RESOURCE_EXHAUSTED', message: 'The storage quota is exhausted.' },
  invalid_image: {
    http: 422,
    grpc: 'INVALID_ARGUMENT',
    message: 'The image cannot be decoded or is outside the size limits.',
  },
  unsafe_archive: {
    http: 422,
    grpc: 'INVALID_ARGUMENT',
    message: 'The archive has unsafe entries (path traversal, links) or expands beyond its limits.',
  },
  not_enough_data: {
    http: 409,
    grpc: 'FAILED_PRECONDITION',
    message: 'There are not enough labelled images for this operation.',
  },
  cancelled: { http: 409, grpc: 'CANCELLED', message: 'The operation was cancelled.' },
  model_export_invalid: {
    http: 500,
    grpc: 'INTERNAL',
    message: 'The exported model does not reproduce the trained model within tolerance.',
  },
  // service state
  request_timeout: { http: 503, grpc: 'DEADLINE_EXCEEDED', message: 'The request took too long.' },
  database_busy: {
    http: 503,
    grpc: 'UNAVAILABLE',
    message: 'The database is busy with another operation; try again.',
  },
  unavailable: { http: 503, grpc: 'UNAVAILABLE', message: 'A dependency is unavailable; try again later.' },
  shutting_down: { http: 503, grpc: 'UNAVAILABLE', message: 'The service is shutting down.' },
  internal: { http: 500, grpc: 'INTERNAL', message: 'Internal error.' },
} as const satisfies Record<string, { http: number; grpc: string; message: string }>;

export type ErrorCode = keyof typeof ERROR_CATALOGUE;
