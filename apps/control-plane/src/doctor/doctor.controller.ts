import { anyObject } from '../control-plane.schemas';
import { ApiDoc } from '@switchyard/http';
import { Controller, Get, UseGuards } from '@nestjs/common';
import { OpsGuard } from '@switchyard/auth';
import { DoctorService, type DoctorReport } from '@switchyard/doctor';

@Controller('v1/doctor')
@UseGuards(OpsGuard)
export class DoctorController {
  constructor(private readonly doctor: DoctorService) {}

  /** Every broken invariant the catalogs show; 200 even with findings, since it is a report. */
  @Get()
  @ApiDoc({
    summary: 'Every broken invariant the catalogs show (200 even with findings: it is a report)',
    response: anyObject,
  })
  async report(): Promise<DoctorReport> {
    return this.doctor.run();
  }
}
