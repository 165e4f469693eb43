import { Module } from '@nestjs/common';
import { BreakGlassService } from './break-glass.service';

/** Needs ControlPlaneModule.forRoot('owner') and SwitchyardConfigModule (both global). */
@Module({
  providers: [BreakGlassService],
  exports: [BreakGlassService],
})
export class BreakGlassModule {}
