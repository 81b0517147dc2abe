import { pino, type Logger } from 'pino';

/**
 * Structured logs (pino, JSON lines on stderr). Secrets never reach a log line: the redaction
 * paths cover every place a credential can sit in our own objects, and `redactSecrets` scrubs
 * free text (error messages from HTTP clients echo headers and URLs).
 */
export const REDACT_PATHS = [
  '*.token',
  '*.apiToken',
  '*.api_token',
  '*.clientSecret',
  '*.client_secret',
  '*.password',
  '*.secret',
  '*.privateKey',
  '*.private_key',
  '*.authorization',
  '*.Authorization',
  'headers.authorization',
  'headers.Authorization',
  '*.headers.authorization',
  '*.headers.Authorization',
  'req.headers.authorization',
];

const registeredSecrets = new Set<string>();

/** Remember a secret value so that it is scrubbed from any message that later contains it. */
export function registerSecret(value: string | undefined | null): void {
  if (value && value.length >= 4) registeredSecrets.add(value);
}

const SECRET_PATTERNS: RegExp[] = [
  /(SSWS\s+)[A-Za-z0-9_\-.]+/g,
  /(Bearer\s+)[A-Za-z0-9_\-.~+/=]+/gi,
  /(Splunk\s+)[A-Za-z0-9_\-]+/g,
  /(ApiKey\s+)[A-Za-z0-9_\-=+/]+/g,
  /(Basic\s+)[A-Za-z0-9+/=]+/g,
  /((?:client_secret|password|token|api_key|apikey|private_key)=)[^&\s"]+/gi,
];

export function redactSecrets(text: string): string {
  let out = text;
  for (const secret of registeredSecrets) out = out.split(secret).join('[REDACTED]');
  for (const re of SECRET_PATTERNS) out = out.replace(re, '$1[REDACTED]');
  return out;
}

let root: Logger | undefined;

export function logger(): Logger {
  if (!root) {
    const level = process.env.IDTRAIL_LOG_LEVEL ?? (process.env.VITEST ? 'silent' : 'info');
    root = pino(
      {
        level,
        redact: { paths: REDACT_PATHS, censor: '[REDACTED]' },
        base: { app: 'idtrail' },
        timestamp: pino.stdTimeFunctions.isoTime,
        hooks: {
          logMethod(args, method) {
            const scrubbed = args.map((a) => (typeof a === 'string' ? redactSecrets(a) : scrubObject(a)));
            return method.apply(this, scrubbed as Parameters<typeof method>);
          },
        },
      },
      pino.destination({ fd: 2, sync: true }),
    );
  }
  return root;
}

function scrubObject(value: unknown): unknown {
  if (value instanceof Error) {
    const e = new Error(redactSecrets(value.message));
    e.name = value.name;
    e.stack = value.stack ? redactSecrets(value.stack) : undefined;
    return e;
  }
  if (value && typeof value === 'object') {
    try {
      return JSON.parse(redactSecrets(JSON.stringify(value)));
    } catch {
      return value;
    }
  }
  return value;
}

export function setLogLevel(level: string): void {
  logger().level = level;
}
