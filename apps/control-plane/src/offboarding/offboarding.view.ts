import type { OffboardingRecord } from '@switchyard/control-plane';
import { formatGrace, type ExportReceipt, type OffboardingResult } from '@switchyard/offboarding';
import type { z } from 'zod';
import type { JsonOf } from '../control-plane.responses';
import type { offboardingResponse } from './offboarding.responses';

/** The control-plane API's shape of an offboarding (GET /v1/offboardings/{id}). */
export function offboardingView(o: OffboardingRecord) {
  const receipt = o.export as ExportReceipt | null;
  return {
    id: o.id,
    tenantId: o.tenantId,
    tenantSlug: o.tenantSlug,
    state: o.state,
    grace: formatGrace(o.graceMs),
    eraseAfter: o.eraseAfter,
    export: {
      requested: o.exportRequested,
      file: receipt?.file ?? null,
      bytes: receipt?.bytes ?? null,
      sha256: receipt?.sha256 ?? null,
    },
    requestedBy: o.requestedBy,
    requestedAt: o.requestedAt,
    startedAt: o.startedAt,
    finishedAt: o.finishedAt,
    cancelledBy: o.cancelledBy,
    attempts: o.attempts,
    error: o.error,
    result: (o.result ?? null) as OffboardingResult | null,
  };
}

// The documented schema and the view must agree: this stops compiling when one changes alone.
export const offboardingViewMatchesSchema: (
  v: JsonOf<ReturnType<typeof offboardingView>>,
) => z.infer<typeof offboardingResponse> = (v) => v;
