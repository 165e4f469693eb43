// The public door of @switchyard/offboarding.
export { OffboardingModule } from './offboarding.module';
export { OffboardingService } from './offboarding.service';
export type { OffboardingRequest, OffboardingResult } from './offboarding.service';
export { OffboardingWorker } from './offboarding-worker';
export { ErasureProver } from './erasure-proof';
export type { ErasureProof, KeptRows, Leftover, SkippedDatabase } from './erasure-proof';
export type { ErasurePlan, ErasureSteps } from './tenant-eraser';
export { DEFAULT_GRACE, formatGrace, MAX_GRACE_MS, parseGrace } from './grace';
export { OFFBOARDING_EXPORTER, exportToFile } from './offboarding-exporter';
export type { ExportReceipt, OffboardingExporter } from './offboarding-exporter';
