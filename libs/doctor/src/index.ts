export { DoctorModule } from './doctor.module';
export { DoctorService } from './doctor.service';
export { FINDING_CODES } from './finding';
export type { DoctorReport, Finding, FindingCode, Severity } from './finding';
