import { readFileSync } from 'node:fs';
import { IdtrailError } from '../lib/errors.js';
import { registerSecret } from '../lib/log.js';

export type Env = Record<string, string | undefined>;

export interface SecretRef {
  /** Environment variable holding the secret. */
  env?: string;
  /** File holding the secret (e.g. a Docker/Kubernetes secret mount). */
  file?: string;
}

/**
 * Reads a secret from the file or environment variable the config names (never from the config
 * itself) and registers it for redaction. Errors name the variable or file and the config key, never
 * the value.
 */
export function readSecret(ref: SecretRef, what: string, opts: { keyPath: string; defaultEnv?: string; env?: Env }): string {
  const env = opts.env ?? process.env;
  if (ref.file) {
    let text: string;
    try {
      text = readFileSync(ref.file, 'utf8');
    } catch (err) {
      throw new IdtrailError('config_invalid', `${what}: cannot read the secret file ${ref.file} (${(err as NodeJS.ErrnoException).code ?? 'error'})`, {
        location: { path: `${opts.keyPath}_file` },
        hint: 'check the path and that this user may read it',
      });
    }
    const value = text.replace(/\r?\n$/, '');
    if (!value) throw new IdtrailError('config_invalid', `${what}: the secret file ${ref.file} is empty`, { location: { path: `${opts.keyPath}_file` } });
    registerSecret(value);
    return value;
  }
  const name = ref.env ?? opts.defaultEnv;
  if (!name) throw new IdtrailError('config_invalid', `${what}: no secret configured`, { location: { path: opts.keyPath }, hint: `set ${opts.keyPath}_env (a variable name) or ${opts.keyPath}_file (a path)` });
  const value = env[name];
  if (!value) {
    throw new IdtrailError('config_invalid', `${what}: environment variable ${name} is not set`, {
      location: { path: ref.env ? `${opts.keyPath}_env` : opts.keyPath },
      hint: `set the environment variable ${name}, or name another variable with ${opts.keyPath}_env or a file with ${opts.keyPath}_file`,
    });
  }
  registerSecret(value);
  return value;
}

/** A setting from the config, else from an environment variable, else a default; error if none. */
export function setting(value: string | undefined, envName: string, what: string, opts: { env?: Env; fallback?: string; keyPath: string }): string {
  const env = opts.env ?? process.env;
  const v = value ?? env[envName] ?? opts.fallback;
  if (!v) {
    throw new IdtrailError('config_invalid', `${what} is not set`, { location: { path: opts.keyPath }, hint: `set ${opts.keyPath} in the config or export ${envName}` });
  }
  return v;
}
