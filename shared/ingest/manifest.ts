/**
 * Reads `manifest.json` (OUTPUT.md: missing or invalid → exit 2 with a message naming the problem). The manifest is
 * small; it is read whole, but never more than MAX_MANIFEST_BYTES. `contract` must be 1 or 2 (V2.md); a caller that
 * audits only some versions names them, and a dataset of another version is refused, never read in part.
 */
import { isUtf8 } from 'node:buffer';
import { describeIssues } from '../contract/reasons.js';
import { CONTRACT_VERSIONS, type ContractVersion, type DatasetManifest, manifestSchema } from '../contract/records.js';
import { FileNotFoundError, ManifestError } from './errors.js';
import type { DatasetSource } from './source.js';

const MAX_MANIFEST_BYTES = 1 << 20;

export async function readDatasetManifest(
  source: DatasetSource,
  accepted: readonly ContractVersion[] = CONTRACT_VERSIONS,
): Promise<DatasetManifest> {
  const where = `manifest.json in ${source.root}`;
  let bytes: Buffer;
  try {
    const stream = await source.open('manifest.json');
    const chunks: Buffer[] = [];
    let n = 0;
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      n += chunk.length;
      if (n > MAX_MANIFEST_BYTES) {
        stream.destroy();
        throw new ManifestError(`${where} is larger than ${MAX_MANIFEST_BYTES} bytes; it is not a dataset manifest`);
      }
      chunks.push(chunk);
    }
    bytes = Buffer.concat(chunks);
  } catch (cause) {
    if (cause instanceof ManifestError) throw cause;
    if (cause instanceof FileNotFoundError) throw new ManifestError(`${where} is missing`, { cause });
    throw new ManifestError(`${where} cannot be read: ${(cause as Error).message}`, { cause });
  }
  if (!isUtf8(bytes)) throw new ManifestError(`${where} is not UTF-8 text`);
  let text = bytes.toString('utf8');
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (cause) {
    throw new ManifestError(`${where} is not valid JSON: ${(cause as Error).message}`, { cause });
  }
  if (json === null || typeof json !== 'object' || Array.isArray(json)) {
    throw new ManifestError(`${where} is not a JSON object`);
  }
  const parsed = manifestSchema.safeParse(json);
  if (!parsed.success) throw new ManifestError(`${where} is invalid: ${describeIssues(parsed.error, json)}`);
  if (!accepted.includes(parsed.data.contract)) {
    throw new ManifestError(
      `${where}: data contract ${parsed.data.contract} is not audited by this build (it audits data contract ${accepted.join(' and ')})`,
    );
  }
  return parsed.data;
}
