export { createApiApp } from './create-api-app';
export { ApiModule } from './api.module';
