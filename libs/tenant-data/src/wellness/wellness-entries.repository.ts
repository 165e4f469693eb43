import { Injectable } from '@nestjs/common';
import { singleRow } from '@switchyard/postgres';
import type { TenantTx } from '@switchyard/tenancy';
import { and, asc, eq, gt, gte, lte, sql, type SQL } from 'drizzle-orm';
import type { NodePgDatabase } from 'drizzle-orm/node-postgres';
import { v7 as uuidv7 } from 'uuid';
import { wellnessEntries, type WellnessKind } from '../schema/tenant-data.schema';
import type { NewWellnessEntry, WellnessEntry, WellnessEntryFilter, WellnessSummaryRow } from './wellness.types';

const columns = {
  id: wellnessEntries.id,
  employeeId: wellnessEntries.employeeId,
  kind: wellnessEntries.kind,
  value: wellnessEntries.value,
  loggedOn: wellnessEntries.loggedOn,
  notes: wellnessEntries.notes,
  createdAt: wellnessEntries.createdAt,
};

type Row = Omit<WellnessEntry, 'value'> & { value: string };

const tenantId = sql.placeholder('tenantId');
const id = sql.placeholder('id');

// Single-row statements rendered once per connection (TenantTx.prepared); filtered lists stay dynamic.
const byId = (db: NodePgDatabase) =>
  db
    .select(columns)
    .from(wellnessEntries)
    .where(and(eq(wellnessEntries.tenantId, tenantId), eq(wellnessEntries.id, id)))
    .prepare('wellness_entries.by_id');
const byIdForUpdate = (db: NodePgDatabase) =>
  db
    .select(columns)
    .from(wellnessEntries)
    .where(and(eq(wellnessEntries.tenantId, tenantId), eq(wellnessEntries.id, id)))
    .for('update')
    .prepare('wellness_entries.by_id_for_update');
const insertOne = (db: NodePgDatabase) =>
  db
    .insert(wellnessEntries)
    .values({
      tenantId,
      id,
      employeeId: sql.placeholder('employeeId'),
      kind: sql.placeholder('kind'),
      value: sql.placeholder('value'),
      loggedOn: sql.placeholder('loggedOn'),
      notes: sql.placeholder('notes'),
    })
    .returning(columns)
    .prepare('wellness_entries.insert');
const deleteById = (db: NodePgDatabase) =>
  db
    .delete(wellnessEntries)
    .where(and(eq(wellnessEntries.tenantId, tenantId), eq(wellnessEntries.id, id)))
    .returning({ id: wellnessEntries.id })
    .prepare('wellness_entries.delete');

const toEntry = (row: Row): WellnessEntry => ({ ...row, value: Number(row.value) });

@Injectable()
export class WellnessEntriesRepository {
  private conditions(tx: TenantTx, filter: WellnessEntryFilter): SQL[] {
    const conditions: SQL[] = [eq(wellnessEntries.tenantId, tx.tenantId)];
    if (filter.employeeId) conditions.push(eq(wellnessEntries.employeeId, filter.employeeId));
    if (filter.from) conditions.push(gte(wellnessEntries.loggedOn, filter.from));
    if (filter.to) conditions.push(lte(wellnessEntries.loggedOn, filter.to));
    return conditions;
  }

  async list(tx: TenantTx, filter: WellnessEntryFilter, limit: number, afterId?: string): Promise<WellnessEntry[]> {
    const conditions = this.conditions(tx, filter);
    if (afterId) conditions.push(gt(wellnessEntries.id, afterId));
    const rows = await tx.db
      .select(columns)
      .from(wellnessEntries)
      .where(and(...conditions))
      .orderBy(asc(wellnessEntries.id))
      .limit(limit);
    return rows.map(toEntry);
  }

  async findById(tx: TenantTx, entryId: string): Promise<WellnessEntry | undefined> {
    const [row] = await tx.prepared(byId).execute({ tenantId: tx.tenantId, id: entryId });
    return row ? toEntry(row) : undefined;
  }

  async lockById(tx: TenantTx, entryId: string): Promise<WellnessEntry | undefined> {
    const [row] = await tx.prepared(byIdForUpdate).execute({ tenantId: tx.tenantId, id: entryId });
    return row ? toEntry(row) : undefined;
  }

  async insert(tx: TenantTx, input: NewWellnessEntry): Promise<WellnessEntry> {
    const rows = await tx.prepared(insertOne).execute({
      tenantId: tx.tenantId,
      id: uuidv7(),
      employeeId: input.employeeId,
      kind: input.kind,
      value: String(input.value),
      loggedOn: input.loggedOn,
      notes: input.notes ?? null,
    });
    return toEntry(singleRow(rows, 'inserted wellness entry'));
  }

  async delete(tx: TenantTx, entryId: string): Promise<boolean> {
    const rows = await tx.prepared(deleteById).execute({ tenantId: tx.tenantId, id: entryId });
    return rows.length > 0;
  }

  async summary(tx: TenantTx, filter: WellnessEntryFilter): Promise<WellnessSummaryRow[]> {
    const rows = await tx.db
      .select({
        kind: wellnessEntries.kind,
        count: sql<number>`count(*)::int`,
        total: sql<string>`sum(${wellnessEntries.value})`,
        average: sql<string>`round(avg(${wellnessEntries.value}), 2)`,
      })
      .from(wellnessEntries)
      .where(and(...this.conditions(tx, filter)))
      .groupBy(wellnessEntries.kind)
      .orderBy(asc(wellnessEntries.kind));
    return rows.map((r) => ({
      kind: r.kind as WellnessKind,
      count: r.count,
      total: Number(r.total),
      average: Number(r.average),
    }));
  }
}
