import { Module } from '@nestjs/common';
import { TenancyModule } from '@switchyard/tenancy';
import { EmployeesRepository } from './employees/employees.repository';
import { EmployeesService } from './employees/employees.service';
import { WellnessEntriesRepository } from './wellness/wellness-entries.repository';
import { WellnessService } from './wellness/wellness.service';

@Module({
  imports: [TenancyModule],
  providers: [EmployeesRepository, EmployeesService, WellnessEntriesRepository, WellnessService],
  exports: [EmployeesService, WellnessService, TenancyModule],
})
export class TenantDataModule {}
