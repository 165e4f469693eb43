import type { TenantRecord } from '@switchyard/control-plane';

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
