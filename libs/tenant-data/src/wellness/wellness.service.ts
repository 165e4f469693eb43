import { Injectable } from '@nestjs/common';
import { DomainError } from '@switchyard/errors';
import { isPgError, PgErrorCode } from '@switchyard/postgres';
import { TenantDb } from '@switchyard/tenancy';
import { EmployeesRepository } from '../employees/employees.repository';
import { assertPrecondition, type Precondition } from '../precondition';
import { decodeCursor, toPage, type Page } from '../pagination';
import { WellnessEntriesRepository } from './wellness-entries.repository';
import type { NewWellnessEntry, WellnessEntry, WellnessEntryFilter, WellnessSummaryRow } from './wellness.types';

@Injectable()
export class WellnessService {
  constructor(
    private readonly tenantDb: TenantDb,
    private readonly entries: WellnessEntriesRepository,
    private readonly employees: EmployeesRepository,
  ) {}

  list(filter: WellnessEntryFilter, limit: number, cursor?: string): Promise<Page<WellnessEntry>> {
    const afterId = decodeCursor(cursor);
    return this.tenantDb.statement(async (tx) =>
      toPage(await this.entries.list(tx, filter, limit + 1, afterId), limit),
    );
  }

  async get(id: string): Promise<WellnessEntry> {
    const entry = await this.tenantDb.statement((tx) => this.entries.findById(tx, id));
    if (!entry) throw new DomainError('WELLNESS_ENTRY_NOT_FOUND', 'Wellness entry not found');
    return entry;
  }

  /**
   * The employee is looked up through RLS first, so another tenant's employee id reads as "not found";
   * the composite foreign key (tenant_id, employee_id) is the database's own guarantee of the same.
   */
  create(input: NewWellnessEntry): Promise<WellnessEntry> {
    return this.tenantDb
      .transaction(async (tx) => {
        if (!(await this.employees.findById(tx, input.employeeId)))
          throw new DomainError('EMPLOYEE_NOT_FOUND', 'Employee not found');
        return this.entries.insert(tx, input);
      })
      .catch((error: unknown) => {
        if (isPgError(error, PgErrorCode.foreignKeyViolation))
          throw new DomainError('EMPLOYEE_NOT_FOUND', 'Employee not found');
        throw error;
      });
  }

  async delete(id: string, precondition?: Precondition<WellnessEntry>): Promise<void> {
    const deleted = precondition
      ? await this.tenantDb.transaction(async (tx) => {
          assertPrecondition(await this.entries.lockById(tx, id), precondition, 'wellness entry');
          return this.entries.delete(tx, id);
        })
      : await this.tenantDb.statement((tx) => this.entries.delete(tx, id));
    if (!deleted) throw new DomainError('WELLNESS_ENTRY_NOT_FOUND', 'Wellness entry not found');
  }

  summary(filter: Omit<WellnessEntryFilter, 'employeeId'>): Promise<WellnessSummaryRow[]> {
    return this.tenantDb.statement((tx) => this.entries.summary(tx, filter));
  }
}
