/**
 * Line output on stdout and stderr that ends quietly when the reader goes away: `vatp-audit findings list | head`
 * closes the pipe after ten lines, and the next write fails with EPIPE. Unhandled, that error is a stack trace and
 * exit 1; here the stream is marked closed, later lines are dropped, and the command finishes with its own exit code.
 */
export function lineWriter(stream: NodeJS.WritableStream): (line: string) => void {
  let closed = false;
  stream.on('error', (error: NodeJS.ErrnoException) => {
    closed = true;
    // A reader that left (EPIPE) is the normal end of a pipe; any other write failure means the output is incomplete.
    if (error.code !== 'EPIPE' && (process.exitCode === undefined || process.exitCode === 0)) process.exitCode = 1;
  });
  return (line) => {
    if (!closed) stream.write(`${line}\n`);
  };
}
