export { createControlPlaneApp } from './create-control-plane-app';
export { ControlPlaneAppModule } from './control-plane-app.module';
