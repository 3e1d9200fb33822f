/** Progress of a long run, so the CLI can draw bars; the pipeline never writes to the terminal itself. */
export interface RunProgress {
  /** A new stage begins; `total` in bytes (or items), 0 when unknown. */
  stage(name: string, total: number): void;
  advance(n: number): void;
  done(): void;
}
