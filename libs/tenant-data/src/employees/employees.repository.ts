import { Injectable } from '@nestjs/common';
import { singleRow } from '@switchyard/postgres';
import type { TenantTx } from '@switchyard/tenancy';
import { and, asc, eq, gt, sql } from 'drizzle-orm';
import type { NodePgDatabase } from 'drizzle-orm/node-postgres';
import { v7 as uuidv7 } from 'uuid';
import { employees } from '../schema/tenant-data.schema';
import type { Employee, EmployeeChanges, NewEmployee } from './employee.types';

const columns = {
  id: employees.id,
  email: employees.email,
  fullName: employees.fullName,
  createdAt: employees.createdAt,
  updatedAt: employees.updatedAt,
};

const tenantId = sql.placeholder('tenantId');
const id = sql.placeholder('id');
const limit = sql.placeholder('limit');

// The hot statements: rendered once per connection and, where the deployment allows it, kept
// prepared on the server under these names (see TenantTx.prepared).
const byId = (db: NodePgDatabase) =>
  db
    .select(columns)
    .from(employees)
    .where(and(eq(employees.tenantId, tenantId), eq(employees.id, id)))
    .prepare('employees.by_id');
// The same row, locked until the transaction ends: a conditional change compares and writes atomically.
const byIdForUpdate = (db: NodePgDatabase) =>
  db
    .select(columns)
    .from(employees)
    .where(and(eq(employees.tenantId, tenantId), eq(employees.id, id)))
    .for('update')
    .prepare('employees.by_id_for_update');
const firstPage = (db: NodePgDatabase) =>
  db
    .select(columns)
    .from(employees)
    .where(eq(employees.tenantId, tenantId))
    .orderBy(asc(employees.id))
    .limit(limit)
    .prepare('employees.first_page');
const nextPage = (db: NodePgDatabase) =>
  db
    .select(columns)
    .from(employees)
    .where(and(eq(employees.tenantId, tenantId), gt(employees.id, id)))
    .orderBy(asc(employees.id))
    .limit(limit)
    .prepare('employees.next_page');
const insertOne = (db: NodePgDatabase) =>
  db
    .insert(employees)
    .values({ tenantId, id, email: sql.placeholder('email'), fullName: sql.placeholder('fullName') })
    .returning(columns)
    .prepare('employees.insert');
// One statement for any combination of changes: an absent field is passed as NULL and kept.
const updateById = (db: NodePgDatabase) =>
  db
    .update(employees)
    .set({
      email: sql`coalesce(${sql.placeholder('email')}, ${employees.email})`,
      fullName: sql`coalesce(${sql.placeholder('fullName')}, ${employees.fullName})`,
      updatedAt: sql`now()`,
    })
    .where(and(eq(employees.tenantId, tenantId), eq(employees.id, id)))
    .returning(columns)
    .prepare('employees.update');
const deleteById = (db: NodePgDatabase) =>
  db
    .delete(employees)
    .where(and(eq(employees.tenantId, tenantId), eq(employees.id, id)))
    .returning({ id: employees.id })
    .prepare('employees.delete');

/**
 * Written once for every tier. Ids are UUIDv7, so id order is creation order and keyset pagination by
 * id lists rows oldest first. The explicit tenant filter is for the index (the primary key starts with
 * tenant_id); isolation does not depend on it — RLS filters every statement regardless.
 */
@Injectable()
export class EmployeesRepository {
  async list(tx: TenantTx, pageSize: number, afterId?: string): Promise<Employee[]> {
    return afterId
      ? tx.prepared(nextPage).execute({ tenantId: tx.tenantId, id: afterId, limit: pageSize })
      : tx.prepared(firstPage).execute({ tenantId: tx.tenantId, limit: pageSize });
  }

  async findById(tx: TenantTx, employeeId: string): Promise<Employee | undefined> {
    const [row] = await tx.prepared(byId).execute({ tenantId: tx.tenantId, id: employeeId });
    return row;
  }

  async lockById(tx: TenantTx, employeeId: string): Promise<Employee | undefined> {
    const [row] = await tx.prepared(byIdForUpdate).execute({ tenantId: tx.tenantId, id: employeeId });
    return row;
  }

  async insert(tx: TenantTx, input: NewEmployee): Promise<Employee> {
    const rows = await tx
      .prepared(insertOne)
      .execute({ tenantId: tx.tenantId, id: uuidv7(), email: input.email, fullName: input.fullName });
    return singleRow(rows, 'inserted employee');
  }

  async update(tx: TenantTx, employeeId: string, changes: EmployeeChanges): Promise<Employee | undefined> {
    const [row] = await tx.prepared(updateById).execute({
      tenantId: tx.tenantId,
      id: employeeId,
      email: changes.email ?? null,
      fullName: changes.fullName ?? null,
    });
    return row;
  }

  async delete(tx: TenantTx, employeeId: string): Promise<boolean> {
    const rows = await tx.prepared(deleteById).execute({ tenantId: tx.tenantId, id: employeeId });
    return rows.length > 0;
  }
}
