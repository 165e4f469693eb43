import { type DynamicModule, Module } from '@nestjs/common';
import { ConfigModule, ConfigService } from '@nestjs/config';
import { SwitchyardConfig } from './switchyard-config';

/**
 * Registers the already-validated configuration with @nestjs/config (so any module can read it through
 * ConfigService) and exposes it as the typed `SwitchyardConfig`.
 */
@Module({})
export class SwitchyardConfigModule {
  static forRoot(config: SwitchyardConfig): DynamicModule {
    return {
      module: SwitchyardConfigModule,
      global: true,
      imports: [
        ConfigModule.forRoot({
          ignoreEnvFile: true,
          ignoreEnvVars: true,
          load: [() => ({ switchyard: config })],
        }),
      ],
      providers: [
        {
          provide: SwitchyardConfig,
          inject: [ConfigService],
          useFactory: (configService: ConfigService) => configService.getOrThrow<SwitchyardConfig>('switchyard'),
        },
      ],
      exports: [SwitchyardConfig],
    };
  }
}
