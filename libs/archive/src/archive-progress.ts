/**
 * How far an export or an import has got, for a progress bar or log lines. Rows are counted over the
 * whole archive: `totalRows` is known from the snapshot's counts (export) or the manifest (import).
 */
export interface ArchiveProgress {
  phase: 'snapshot' | 'writing' | 'verifying' | 'loading';
  /** The table being read or written now. */
  table?: string;
  rows: number;
  totalRows: number;
}

export type ProgressListener = (progress: ArchiveProgress) => void;

export const ignoreProgress: ProgressListener = () => undefined;
