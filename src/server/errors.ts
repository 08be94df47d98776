import type { ContentfulStatusCode } from 'hono/utils/http-status';

/** An error the API reports as `{ error: { code, message } }` with this HTTP status. */
export class ApiError extends Error {
  constructor(
    readonly status: ContentfulStatusCode,
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

export function badRequest(message: string, code = 'invalid_request'): ApiError {
  return new ApiError(400, code, message);
}
