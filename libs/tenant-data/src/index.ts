export { TenantDataModule } from './tenant-data.module';
export { TENANT_TABLES, WELLNESS_KINDS, employees, wellnessEntries } from './schema/tenant-data.schema';
export type { WellnessKind } from './schema/tenant-data.schema';
export { EmployeesService } from './employees/employees.service';
export { EmployeesRepository } from './employees/employees.repository';
export type { Employee, EmployeeChanges, NewEmployee } from './employees/employee.types';
export { WellnessService } from './wellness/wellness.service';
export { WellnessEntriesRepository } from './wellness/wellness-entries.repository';
export type {
  NewWellnessEntry,
  WellnessEntry,
  WellnessEntryFilter,
  WellnessSummaryRow,
} from './wellness/wellness.types';
export { decodeCursor, encodeCursor } from './pagination';
export type { Page } from './pagination';
export type { Precondition } from './precondition';
