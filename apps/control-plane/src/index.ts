export { createControlPlaneApp } from './create-control-plane-app';
export { ControlPlaneAppModule } from './control-plane-app.module';
export { auditPage, moveList, moveResponse, tenantPage, tenantResponse } from './control-plane.responses';
export { moveView } from './moves/move.view';
export { importView } from './archive/import.view';
export { offboardingView } from './offboarding/offboarding.view';
export { tenantView } from './tenants/tenant.view';
export type { TenantView } from './tenants/tenant.view';
