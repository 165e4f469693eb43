import { ApiDoc } from '@switchyard/http';
import { Controller, Get, UseGuards } from '@nestjs/common';
import { OpsGuard } from '@switchyard/auth';
import { DoctorService, type DoctorReport } from '@switchyard/doctor';
import type { z } from 'zod';
import type { JsonOf } from '../control-plane.responses';
import { doctorReport } from './doctor.responses';

@Controller('v1/doctor')
@UseGuards(OpsGuard)
export class DoctorController {
  constructor(private readonly doctor: DoctorService) {}

  /** Every broken invariant the catalogs show; 200 even with findings, since it is a report. */
  @Get()
  @ApiDoc({
    summary: 'Every broken invariant the catalogs show (200 even with findings: it is a report)',
    response: doctorReport,
  })
  async report(): Promise<DoctorReport> {
    return this.doctor.run();
  }
}

// The documented schemas and the handlers must agree: this stops compiling when one changes alone.
export const doctorMatchesSchema: (v: JsonOf<DoctorReport>) => z.infer<typeof doctorReport> = (v) => v;
