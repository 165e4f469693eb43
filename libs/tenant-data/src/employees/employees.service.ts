import { Injectable } from '@nestjs/common';
import { DomainError } from '@switchyard/errors';
import { isPgError, PgErrorCode } from '@switchyard/postgres';
import { TenantDb } from '@switchyard/tenancy';
import { decodeCursor, toPage, type Page } from '../pagination';
import { assertPrecondition, type Precondition } from '../precondition';
import type { Employee, EmployeeChanges, NewEmployee } from './employee.types';
import { EmployeesRepository } from './employees.repository';

function notFound(): DomainError {
  return new DomainError('EMPLOYEE_NOT_FOUND', 'Employee not found');
}

/** A unique violation says only "taken": the message never echoes the other row. */
function translateWriteError(error: unknown): never {
  if (isPgError(error, PgErrorCode.uniqueViolation)) {
    throw new DomainError('EMAIL_TAKEN', 'An employee with this email already exists');
  }
  throw error;
}

/**
 * Every unconditional operation is one statement, so each runs with the tenant context in a single round
 * trip; a conditional change locks the row, checks it and writes in one transaction.
 */
@Injectable()
export class EmployeesService {
  constructor(
    private readonly tenantDb: TenantDb,
    private readonly employees: EmployeesRepository,
  ) {}

  list(limit: number, cursor?: string): Promise<Page<Employee>> {
    const afterId = decodeCursor(cursor);
    return this.tenantDb.statement(async (tx) => toPage(await this.employees.list(tx, limit + 1, afterId), limit));
  }

  async get(id: string): Promise<Employee> {
    const employee = await this.tenantDb.statement((tx) => this.employees.findById(tx, id));
    if (!employee) throw notFound();
    return employee;
  }

  create(input: NewEmployee): Promise<Employee> {
    return this.tenantDb.statement((tx) => this.employees.insert(tx, input)).catch(translateWriteError);
  }

  async update(id: string, changes: EmployeeChanges, precondition?: Precondition<Employee>): Promise<Employee> {
    const employee = await this.tenantDb
      .transaction(async (tx) => {
        if (precondition) assertPrecondition(await this.employees.lockById(tx, id), precondition, 'employee');
        return this.employees.update(tx, id, changes);
      })
      .catch(translateWriteError);
    if (!employee) throw notFound();
    return employee;
  }

  async delete(id: string, precondition?: Precondition<Employee>): Promise<void> {
    const deleted = precondition
      ? await this.tenantDb.transaction(async (tx) => {
          assertPrecondition(await this.employees.lockById(tx, id), precondition, 'employee');
          return this.employees.delete(tx, id);
        })
      : await this.tenantDb.statement((tx) => this.employees.delete(tx, id));
    if (!deleted) throw notFound();
  }
}
