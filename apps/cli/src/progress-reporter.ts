/** How a long-running command shows its progress on stderr; stdout stays its result. */
export interface ProgressReporter<P> {
  update: (progress: P) => void;
  stop: () => void;
}

export const silentProgress = <P>(): ProgressReporter<P> => ({ update: () => undefined, stop: () => undefined });

/** A reporter that writes each line `next` makes of a progress report, for logs and CI (stderr not a terminal). */
export function lineProgress<P>(next: (progress: P) => string[]): ProgressReporter<P> {
  return {
    update: (progress) => {
      for (const line of next(progress)) process.stderr.write(`${line}\n`);
    },
    stop: () => undefined,
  };
}
