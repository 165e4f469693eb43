import { Injectable } from '@nestjs/common';
import { DoctorService } from '@switchyard/doctor';

/** A full doctor run reads every target's catalog: the overview shows one at most this old. */
const FRESH_MS = 30_000;

export interface DoctorStatus {
  ok: boolean;
  errors: number;
  warnings: number;
  checkedTargets: number;
  checkedAt: Date;
}

/** The doctor's verdict for the fleet overview, run at most every FRESH_MS by this process. */
@Injectable()
export class DoctorSummary {
  private last?: Promise<DoctorStatus>;
  private lastAt = 0;

  constructor(private readonly doctor: DoctorService) {}

  latest(): Promise<DoctorStatus> {
    if (!this.last || Date.now() - this.lastAt > FRESH_MS) {
      this.lastAt = Date.now();
      this.last = this.run();
      // A failed run is not kept: the next overview tries again.
      this.last.catch(() => (this.lastAt = 0));
    }
    return this.last;
  }

  private async run(): Promise<DoctorStatus> {
    const report = await this.doctor.run();
    return {
      ok: report.ok,
      errors: report.findings.filter((f) => f.severity === 'error').length,
      warnings: report.findings.filter((f) => f.severity !== 'error').length,
      checkedTargets: report.checkedTargets,
      checkedAt: new Date(),
    };
  }
}
