import type { TenantRecord } from '@switchyard/control-plane';
import type { z } from 'zod';
import type { JsonOf, tenantResponse } from '../control-plane.responses';

/** The control-plane API's shape of a tenant (GET /v1/tenants). */
export function tenantView(t: TenantRecord) {
  return {
    id: t.id,
    slug: t.slug,
    name: t.name,
    status: t.status,
    tier: t.tier,
    placement: t.placement,
    version: t.version,
    schemaVersion: t.schemaVersion,
    createdAt: t.createdAt,
    updatedAt: t.updatedAt,
  };
}

export type TenantView = ReturnType<typeof tenantView>;

// The documented schema and the view must agree: this stops compiling when one changes alone.
export const tenantViewMatchesSchema: (v: JsonOf<TenantView>) => z.infer<typeof tenantResponse> = (v) => v;
