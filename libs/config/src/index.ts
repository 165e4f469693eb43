export { SwitchyardConfig, nestLogLevels } from './switchyard-config';
export type { JwtAlgorithm, JwtSettings, LogLevel, SwitchyardConfigValues } from './switchyard-config';
export { SwitchyardConfigModule } from './switchyard-config.module';
export { buildConfig, embeddedLocation, needsEmbeddedPostgres, parseEnvironment, readEnvironment } from './load-config';
export type { EmbeddedSupply, EnvironmentSource } from './load-config';
export type { Environment, TierLimits } from './config.schema';
