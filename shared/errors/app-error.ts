/**
 * Errors with a stable machine-readable `code`. Only the api's error handler maps them to HTTP;
 * the worker reads `retryable` to decide between a BullMQ retry and an UnrecoverableError.
 */
export interface AppErrorOptions {
  details?: unknown;
  cause?: unknown;
  retryable?: boolean;
}

export class AppError extends Error {
  readonly code: string;
  readonly status: number;
  readonly details: unknown;
  readonly retryable: boolean;

  constructor(code: string, message: string, status = 500, options: AppErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.code = code;
    this.status = status;
    this.details = options.details;
    this.retryable = options.retryable ?? false;
  }
}

/** One bad field of a request: where it is and what is wrong with it. */
export interface FieldIssue {
  field: string;
  message: string;
}

export class ValidationError extends AppError {
  constructor(message: string, issues: FieldIssue[]) {
    super('validation_failed', message, 400, { details: issues });
  }
  get issues(): FieldIssue[] {
    return this.details as FieldIssue[];
  }
}

export class UnauthorizedError extends AppError {
  constructor(message = 'Missing or invalid credentials') {
    super('unauthorized', message, 401);
  }
}

export class NotFoundError extends AppError {
  constructor(what: string) {
    super('not_found', `${what} not found`, 404);
  }
}

export class ConflictError extends AppError {
  constructor(message: string, details?: unknown) {
    super('conflict', message, 409, { details });
  }
}

/** Valid input that the tenant or the current state cannot satisfy. */
export class UnprocessableError extends AppError {
  constructor(code: string, message: string, details?: unknown) {
    super(code, message, 422, { details });
  }
}

export class ServiceUnavailableError extends AppError {
  constructor(message: string, cause?: unknown) {
    super('service_unavailable', message, 503, { cause, retryable: true });
  }
}

/** Expired or already used (one-time tickets). */
export class GoneError extends AppError {
  constructor(message: string) {
    super('gone', message, 410);
  }
}
