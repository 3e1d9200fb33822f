import { readFile } from 'node:fs/promises';
import { ConfigError } from './errors.js';
import { type AuditParameters, auditParametersSchema, describeParameterIssues } from './parameters.js';

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
  return parseParameters(json, `config file ${path}`);
}

/** Validates parameters given as JSON (a config file, an execution's input); `where` names their origin. */
export function parseParameters(json: unknown, where: string): AuditParameters {
  const parsed = auditParametersSchema.safeParse(json);
  if (!parsed.success) throw new ConfigError(`${where}: ${describeParameterIssues(parsed.error)}`);
  return parsed.data;
}
