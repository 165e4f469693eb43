import { Injectable } from '@nestjs/common';
import type { TenantTx } from '@switchyard/tenancy';
import { and, asc, eq, gt, sql } from 'drizzle-orm';
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

/**
 * Written once for every tier. Ids are UUIDv7, so id order is creation order and keyset pagination by
 * id lists rows oldest first. The explicit tenant filter is for the index (the primary key starts with
 * tenant_id); isolation does not depend on it — RLS filters every statement regardless.
 */
@Injectable()
export class EmployeesRepository {
  async list(tx: TenantTx, limit: number, afterId?: string): Promise<Employee[]> {
    return tx.db
      .select(columns)
      .from(employees)
      .where(and(eq(employees.tenantId, tx.tenantId), afterId ? gt(employees.id, afterId) : undefined))
      .orderBy(asc(employees.id))
      .limit(limit);
  }

  async findById(tx: TenantTx, id: string): Promise<Employee | undefined> {
    const [row] = await tx.db
      .select(columns)
      .from(employees)
      .where(and(eq(employees.tenantId, tx.tenantId), eq(employees.id, id)));
    return row;
  }

  async insert(tx: TenantTx, input: NewEmployee): Promise<Employee> {
    const [row] = await tx.db
      .insert(employees)
      .values({ tenantId: tx.tenantId, id: uuidv7(), email: input.email, fullName: input.fullName })
      .returning(columns);
    return row;
  }

  async update(tx: TenantTx, id: string, changes: EmployeeChanges): Promise<Employee | undefined> {
    const [row] = await tx.db
      .update(employees)
      .set({ ...changes, updatedAt: sql`now()` })
      .where(and(eq(employees.tenantId, tx.tenantId), eq(employees.id, id)))
      .returning(columns);
    return row;
  }

  async delete(tx: TenantTx, id: string): Promise<boolean> {
    const rows = await tx.db
      .delete(employees)
      .where(and(eq(employees.tenantId, tx.tenantId), eq(employees.id, id)))
      .returning({ id: employees.id });
    return rows.length > 0;
  }
}
