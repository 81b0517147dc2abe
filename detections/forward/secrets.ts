import { readFileSync } from 'node:fs';
import { IdtrailError } from '../../lib/errors.js';
import { registerSecret } from '../../lib/log.js';

/**
 * Credentials for sinks come from an environment variable or a file (a mounted secret), never from
 * the sink URL. Every value read is registered for redaction, so it cannot reach a log line or an
 * error message afterwards.
 */
export interface SecretSource {
  env?: string;
  file?: string;
}

export function readSecret(src: SecretSource, what: string, opts: { required: true }): string;
export function readSecret(src: SecretSource, what: string, opts?: { required?: boolean }): string | null;
export function readSecret(src: SecretSource, what: string, opts: { required?: boolean } = {}): string | null {
  let value: string | null = null;
  if (src.file) {
    try {
      value = readFileSync(src.file, 'utf8').trim();
    } catch (err) {
      throw new IdtrailError('config_invalid', `cannot read the ${what} from ${src.file}: ${(err as NodeJS.ErrnoException).code ?? 'error'}`, {
        hint: 'check the path and its permissions',
      });
    }
  } else if (src.env) {
    value = process.env[src.env]?.trim() || null;
  }
  if (value) {
    registerSecret(value);
    return value;
  }
  if (opts.required) {
    throw new IdtrailError('config_invalid', `the ${what} is not set`, {
      hint: src.file ? `put it in ${src.file}` : `set the environment variable ${src.env}`,
    });
  }
  return null;
}
