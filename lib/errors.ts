/**
 * Errors are values until the boundary. An IdtrailError carries a code from a small closed set,
 * a message that says what to fix, and where it happened (file, line, column, key path).
 * The CLI turns it into one clear line and an exit code.
 */
export type ErrorCode =
  | 'config_invalid'
  | 'input_invalid'
  | 'file_not_found'
  | 'rule_invalid'
  | 'rule_unsupported'
  | 'auth_failed'
  | 'unreachable'
  | 'vendor_error'
  | 'store_error'
  | 'usage'
  | 'internal';

export interface ErrorLocation {
  file?: string;
  line?: number;
  column?: number;
  path?: string;
}

export class IdtrailError extends Error {
  readonly code: ErrorCode;
  readonly location?: ErrorLocation;
  readonly hint?: string;

  constructor(code: ErrorCode, message: string, opts: { location?: ErrorLocation; hint?: string; cause?: unknown } = {}) {
    super(message, opts.cause === undefined ? undefined : { cause: opts.cause });
    this.name = 'IdtrailError';
    this.code = code;
    this.location = opts.location;
    this.hint = opts.hint;
  }

  /** One line for a terminal: `file:line:col: message (hint)`. */
  format(): string {
    const loc = this.location;
    const where = loc?.file
      ? `${loc.file}${loc.line ? `:${loc.line}` : ''}${loc.line && loc.column ? `:${loc.column}` : ''}: `
      : loc?.path
        ? `${loc.path}: `
        : '';
    return `${where}${this.message}${this.hint ? ` — ${this.hint}` : ''}`;
  }
}

/** Exit codes that mean something to scripts. */
export const EXIT = {
  ok: 0,
  failure: 1,
  usage: 2,
  config: 3,
  auth: 4,
  unreachable: 5,
  findings: 10,
} as const;

export function exitCodeFor(err: unknown): number {
  if (!(err instanceof IdtrailError)) return EXIT.failure;
  switch (err.code) {
    case 'usage':
      return EXIT.usage;
    case 'config_invalid':
      return EXIT.config;
    case 'auth_failed':
      return EXIT.auth;
    case 'unreachable':
      return EXIT.unreachable;
    default:
      return EXIT.failure;
  }
}
