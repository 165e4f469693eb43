export { createControlPlaneApp } from './create-control-plane-app';
export { ControlPlaneAppModule } from './control-plane-app.module';
export { auditPage, moveList, moveResponse, tenantPage, tenantResponse } from './control-plane.responses';
