/** Progress bars on stderr for long stages; silent when stderr is not a terminal (CI, pipes) so logs stay clean. */
import { Presets, SingleBar } from 'cli-progress';
import type { RunProgress } from '../pipeline/progress.js';

export function terminalProgress(stream: NodeJS.WriteStream = process.stderr): RunProgress | undefined {
  if (!stream.isTTY) return undefined;
  let bar: SingleBar | undefined;
  const stop = () => {
    bar?.stop();
    bar = undefined;
  };
  return {
    stage(name, total) {
      stop();
      if (total <= 0) {
        stream.write(`${name}…\n`);
        return;
      }
      bar = new SingleBar(
        {
          format: `${name.padEnd(18)} {bar} {percentage}% | {value}/{total} | {duration_formatted}`,
          stream,
          hideCursor: true,
        },
        Presets.shades_classic,
      );
      bar.start(total, 0);
    },
    advance(n) {
      bar?.increment(n);
    },
    done: stop,
  };
}
