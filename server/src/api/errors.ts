/**
 * Every error the API sends has one shape: `{ error: { code, message, path?, issues? } }`.
 * Handlers throw ApiError; `onError` in app.ts turns anything thrown into that shape.
 */
import type { ZodError } from 'zod';
import { formatPath, type ErrorCode, type ValidationIssue } from '@junction/nodes';
import type { ContentfulStatusCode } from 'hono/utils/http-status';

export class ApiError extends Error {
  override name = 'ApiError';
  readonly status: ContentfulStatusCode;
  readonly code: ErrorCode;
  readonly path: string | undefined;
  readonly issues: ValidationIssue[] | undefined;
  readonly headers: Record<string, string> | undefined;

  constructor(
    status: ContentfulStatusCode,
    code: ErrorCode,
    message: string,
    extra: { path?: string; issues?: ValidationIssue[]; headers?: Record<string, string>; cause?: unknown } = {},
  ) {
    super(message, { cause: extra.cause });
    this.status = status;
    this.code = code;
    this.path = extra.path;
    this.issues = extra.issues;
    this.headers = extra.headers;
  }

  toJSON() {
    return {
      error: {
        code: this.code,
        message: this.message,
        ...(this.path !== undefined ? { path: this.path } : {}),
        ...(this.issues ? { issues: this.issues } : {}),
      },
    };
  }
}

export const notFound = (what: string, id: string) => new ApiError(404, 'not_found', `${what} ${id} does not exist`);

/** A request that failed its zod schema: 400 naming the first problem and listing all. */
export function fromZodError(error: ZodError, where: 'body' | 'query' | 'param' | string): ApiError {
  const issues = error.issues.map((issue): ValidationIssue => {
    const path = formatPath(issue.path);
    return { code: 'invalid_request', message: `${path || where}: ${issue.message}`, path };
  });
  const first = issues[0]!;
  return new ApiError(400, 'invalid_request', `The request ${where} is not valid: ${first.message}`, { path: first.path, issues });
}

/** A workflow graph that failed validation: 400 with every issue and its JSON path. */
export function fromValidationIssues(issues: ValidationIssue[], prefix: string): ApiError {
  const withPrefix = issues.map((issue) => ({ ...issue, path: issue.path ? `${prefix}.${issue.path}`.replace('.[', '[') : prefix }));
  const first = withPrefix[0]!;
  const more = withPrefix.length > 1 ? ` (and ${withPrefix.length - 1} more problem${withPrefix.length > 2 ? 's' : ''})` : '';
  return new ApiError(400, first.code, `${first.message}${more}`, { path: first.path, issues: withPrefix });
}
