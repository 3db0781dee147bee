import type { DetectorResult } from '../metrics.js';

export type DetectorName = 'nyx' | 'eslint';

export interface DetectorRun {
  results: DetectorResult[];
  /** Files the detector could not parse (the baseline) or skipped with an error; counted, never fatal. */
  parseErrors: number;
  ms: number;
}

/** A detector scans one extracted package directory; `files` are the counted sources (posix, relative). */
export interface Detector {
  name: DetectorName;
  label: string;
  /** Whether results carry a category (nyxCore does; the baseline does not). */
  hasCategory: boolean;
  /** Undefined when ready; otherwise why the detector cannot run (e.g. the scanner has not landed). */
  unavailable(): Promise<string | undefined>;
  scan(root: string, files: readonly string[]): Promise<DetectorRun>;
}
