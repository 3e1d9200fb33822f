/**
 * Progress bars on stderr for long stages; silent when stderr is not a terminal (CI, pipes) so logs stay clean. A
 * stage's bar is drawn full when the stage ends (the next stage begins, or `done`), also when its total was an
 * estimate; a run that fails mid-stage (`abort`) leaves the bar where it stopped.
 */
import { Presets, SingleBar } from 'cli-progress';
import type { ProgressUnit, RunProgress } from '../pipeline/progress.js';
import { plural } from '../report/words.js';

const WHOLE = new Intl.NumberFormat('en-US');

/** A bar's value in its unit: bytes in MB, counts with thousands separators. */
export function formatProgressValue(v: number, unit: ProgressUnit): string {
  return unit === 'bytes' ? `${(v / 1e6).toFixed(1)} MB` : WHOLE.format(v);
}

export function terminalProgress(stream: NodeJS.WriteStream = process.stderr): RunProgress | undefined {
  if (!stream.isTTY) return undefined;
  let bar: SingleBar | undefined;
  /** A stage whose total is not known yet (0): its bar starts when resize gives one. */
  let waiting: { name: string; unit: ProgressUnit; value: number } | undefined;
  const start = (name: string, unit: ProgressUnit, total: number, value: number) => {
    const suffix = unit === 'bytes' ? '' : ` ${unit}`;
    bar = new SingleBar(
      {
        format: `${name.padEnd(18)} {bar} {percentage}% | {value}/{total}${suffix}{files} | {duration_formatted}`,
        formatValue: (v, _o, type) => (type === 'value' || type === 'total' ? formatProgressValue(v, unit) : String(v)),
        stream,
        hideCursor: true,
      },
      Presets.shades_classic,
    );
    bar.start(total, value, { files: '' });
  };
  const stop = (complete: boolean) => {
    if (bar !== undefined && complete) bar.update(bar.getTotal());
    bar?.stop();
    bar = undefined;
    waiting = undefined;
  };
  return {
    stage(name, total, unit = 'bytes') {
      stop(true);
      if (total > 0) start(name, unit, total, 0);
      else {
        stream.write(`${name}…\n`);
        waiting = { name, unit, value: 0 };
      }
    },
    advance(n) {
      if (bar !== undefined) bar.increment(n);
      else if (waiting !== undefined) waiting.value += n;
    },
    filesRead(read, of) {
      bar?.update({ files: ` | ${read} of ${plural(of, 'file')} read` });
    },
    resize(total) {
      if (bar !== undefined) bar.setTotal(total);
      else if (waiting !== undefined && total > 0) {
        const w = waiting;
        waiting = undefined;
        start(w.name, w.unit, total, w.value);
      }
    },
    done: () => stop(true),
    abort: () => stop(false),
  };
}
