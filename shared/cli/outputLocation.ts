/**
 * Where a command writes a pack (`--out` of run, report and demo): a new or empty folder or s3:// prefix. A pack
 * written over other files would not verify (verify checks that the folder holds exactly the manifest's files), so a
 * location that already holds something is refused (exit 2) unless `--force`, which deletes what is there first —
 * only under that folder or prefix. Some locations are never emptied, whatever `--force` says: one holding the input
 * dataset or the data home, the current folder or one above it, the user's home, the filesystem root, a whole bucket.
 */
import { realpathSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, parse, relative, resolve, sep } from 'node:path';
import { isS3Uri, parseS3Uri } from '../adapters/s3/objects.js';
import type { OutputSink } from '../adapters/s3/outputSink.js';
import { EXIT_USAGE, VatpAuditError } from '../errors.js';
import { ArgumentError } from './errors.js';

/** The help of `--force` wherever a command writes a pack. */
export const FORCE_HELP =
  'if --out already holds files or objects, delete them first: only those inside that folder or s3:// prefix (never a folder holding the input or the data home, the current folder or one above it, your home, or a whole bucket)';

/** A location the pack must stay out of, or that `--force` must not delete. */
export interface GuardedLocation {
  /** A local path or s3:// URI. */
  location: string;
  /** What it is, for the message: "the input dataset", "the data home". */
  what: string;
  /** Refuse a pack inside it too (true for the input dataset: the pack would become part of the data). */
  noPackInside: boolean;
}

export interface PrepareOutputOptions {
  /** The option that named the location, for messages: `--out`. */
  option: string;
  force: boolean;
  guarded: readonly GuardedLocation[];
  cwd?: string;
  home?: string;
}

/** How many names a refusal quotes. */
const QUOTED = 3;

/**
 * Checks the output location; returns the sink to write the pack through. Throws ArgumentError (exit 2) for a location
 * that is a file, holds something (without `force`), lies inside a guarded location, or may not be emptied. With
 * `force`, the location is emptied just before the pack's first file is written, so a command that stops earlier (no
 * such run, an unusable manifest) leaves it as it was.
 */
export async function prepareOutput(sink: OutputSink, opts: PrepareOutputOptions): Promise<OutputSink> {
  const out = sink.uri;
  for (const g of opts.guarded) {
    if (g.noPackInside && contains(g.location, out)) {
      throw new ArgumentError(
        `${opts.option} ${out} is inside ${g.what} (${g.location}): choose a location outside it`,
      );
    }
  }
  const found = await sink.existing(QUOTED + 1).catch((error: unknown) => {
    // A location that cannot hold a pack (a file, a bad s3:// URI) is an argument to fix.
    if (error instanceof VatpAuditError && error.exitCode === EXIT_USAGE) {
      throw new ArgumentError(`${opts.option} ${error.message}`, { cause: error });
    }
    throw error;
  });
  if (found.length === 0) return sink;
  const names = found.slice(0, QUOTED).join(', ') + (found.length > QUOTED ? ', …' : '');
  if (!opts.force) {
    throw new ArgumentError(
      `${opts.option} ${out} is not empty (${names}): give a new or empty location, or add --force to delete what is there first`,
    );
  }
  const refusal = forceRefusal(out, opts);
  if (refusal !== undefined) throw new ArgumentError(`--force will not empty ${out}: ${refusal}`);
  return clearedBeforeFirstWrite(sink);
}

function clearedBeforeFirstWrite(sink: OutputSink): OutputSink {
  let cleared: Promise<void> | undefined;
  const clear = () => {
    cleared ??= sink.clear();
    return cleared;
  };
  return {
    uri: sink.uri,
    async write(name, data) {
      await clear();
      await sink.write(name, data);
    },
    async writeFile(name, localPath) {
      await clear();
      await sink.writeFile(name, localPath);
    },
    read: (name) => sink.read(name),
    list: () => sink.list(),
    existing: (limit) => sink.existing(limit),
    clear,
  };
}

function forceRefusal(out: string, opts: PrepareOutputOptions): string | undefined {
  for (const g of opts.guarded) {
    if (contains(out, g.location)) return `it holds ${g.what} (${g.location})`;
  }
  if (isS3Uri(out)) {
    return parseS3Uri(out).prefix.replace(/\/+$/, '') === '' ? 'it is a whole bucket; name a prefix in it' : undefined;
  }
  const path = canonical(out);
  if (path === parse(path).root) return 'it is the filesystem root';
  if (path === canonical(opts.home ?? homedir())) return 'it is your home folder';
  if (contains(path, opts.cwd ?? process.cwd())) return 'it is the current folder or holds it';
  return undefined;
}

/** Whether `inner` is `outer` or lies under it (local paths after resolving links; s3:// by bucket and key prefix). */
export function contains(outer: string, inner: string): boolean {
  if (isS3Uri(outer) !== isS3Uri(inner)) return false;
  if (isS3Uri(outer)) {
    const a = parseS3Uri(outer);
    const b = parseS3Uri(inner);
    const base = (p: string) => (p === '' || p.endsWith('/') ? p : `${p}/`);
    return a.bucket === b.bucket && base(b.prefix).startsWith(base(a.prefix));
  }
  const a = canonical(outer);
  const b = canonical(inner);
  return b === a || b.startsWith(a.endsWith(sep) ? a : a + sep);
}

/** The real path of a local location, or of its nearest existing parent with the rest appended. */
function canonical(path: string): string {
  const abs = resolve(path.startsWith('file://') ? new URL(path).pathname : path);
  for (let head = abs; ; head = dirname(head)) {
    try {
      return resolve(realpathSync(head), relative(head, abs));
    } catch {
      if (dirname(head) === head) return abs;
    }
  }
}
