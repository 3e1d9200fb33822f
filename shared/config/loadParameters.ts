import { readFile } from 'node:fs/promises';
import { type AuditParameters, auditParametersSchema } from './parameters.js';

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

/** Reads `--config` (JSON), validates it; no file means the defaults of RULES.md. */
export async function loadParameters(path: string | undefined): Promise<AuditParameters> {
  if (path === undefined) return auditParametersSchema.parse({});
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (cause) {
    throw new ConfigError(`cannot read config file ${path}: ${(cause as Error).message}`, { cause });
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (cause) {
    throw new ConfigError(`config file ${path} is not valid JSON: ${(cause as Error).message}`, { cause });
  }
  const parsed = auditParametersSchema.safeParse(json);
  if (!parsed.success) {
    const why = parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ');
    throw new ConfigError(`config file ${path} is invalid: ${why}`);
  }
  return parsed.data;
}
