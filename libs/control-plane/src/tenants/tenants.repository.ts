import { Injectable } from '@nestjs/common';
import { and, asc, count, desc, eq, gt, ilike, inArray, notExists, or, sql, type SQL } from 'drizzle-orm';
import type { AuditActor } from '../audit/audit-actor';
import { appendAudit } from '../audit/audit-log.repository';
import { ControlPlaneDatabase } from '../control-plane-database';
import { ACTIVE_OFFBOARDING_STATES } from '../offboarding/offboardings.repository';
import {
  moves,
  offboardings,
  placements,
  tenants,
  type PlacementState,
  type TenantStatus,
  type Tier,
} from '../schema/control-plane.schema';
import type { NewTenant, PlacementLocation, TenantEdit, TenantListFilter, TenantRecord } from './tenant.types';

const SORT_COLUMNS = {
  slug: tenants.slug,
  name: tenants.name,
  tier: placements.tier,
  status: tenants.status,
  createdAt: tenants.createdAt,
} as const;

function listConditions(filter: Omit<TenantListFilter, 'limit'>): SQL[] {
  const conditions: SQL[] = [];
  if (filter.tier) conditions.push(eq(placements.tier, filter.tier));
  if (filter.status) conditions.push(eq(tenants.status, filter.status));
  if (filter.server) conditions.push(eq(placements.server, filter.server));
  if (filter.q) {
    const pattern = `%${escapeLike(filter.q)}%`;
    conditions.push(or(ilike(tenants.slug, pattern), ilike(tenants.name, pattern))!);
  }
  return conditions;
}

const selection = {
  id: tenants.id,
  slug: tenants.slug,
  name: tenants.name,
  status: tenants.status,
  createdAt: tenants.createdAt,
  updatedAt: tenants.updatedAt,
  tier: placements.tier,
  server: placements.server,
  database: placements.database,
  schema: placements.schema,
  version: placements.version,
  state: placements.state,
  schemaVersion: placements.schemaVersion,
};

type Row = Omit<TenantRecord, 'placement'> & PlacementLocation;

/** Where a tenant lives, as recorded with its creation and deletion. */
const location = {
  tier: placements.tier,
  server: placements.server,
  database: placements.database,
  schema: placements.schema,
};

function toRecord(row: Row): TenantRecord {
  return {
    id: row.id,
    slug: row.slug,
    name: row.name,
    status: row.status,
    tier: row.tier,
    placement: { server: row.server, database: row.database, schema: row.schema },
    version: row.version,
    state: row.state,
    schemaVersion: row.schemaVersion,
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
  };
}

/**
 * A move's runner changes a placement only while it still holds the move: a runner that stalled past
 * MOVE_STALE_MS and lost the move to another worker must not flip or freeze the tenant behind its back.
 */
export interface MoveClaim {
  moveId: string;
  worker: string;
}

const holds = (claim: MoveClaim) =>
  sql`EXISTS (SELECT 1 FROM ${moves} WHERE ${moves.id} = ${claim.moveId} AND ${moves.worker} = ${claim.worker})`;

function escapeLike(value: string): string {
  return value.replace(/[\\%_]/g, (c) => `\\${c}`);
}

@Injectable()
export class TenantsRepository {
  constructor(private readonly database: ControlPlaneDatabase) {}

  private get db() {
    return this.database.db;
  }

  private baseQuery() {
    return this.db.select(selection).from(tenants).innerJoin(placements, eq(placements.tenantId, tenants.id));
  }

  async findById(id: string): Promise<TenantRecord | undefined> {
    const [row] = await this.baseQuery().where(eq(tenants.id, id));
    return row ? toRecord(row) : undefined;
  }

  async findBySlug(slug: string): Promise<TenantRecord | undefined> {
    const [row] = await this.baseQuery().where(eq(tenants.slug, slug));
    return row ? toRecord(row) : undefined;
  }

  async list(filter: TenantListFilter): Promise<TenantRecord[]> {
    const conditions = listConditions(filter);
    if (filter.afterSlug) conditions.push(gt(tenants.slug, filter.afterSlug));
    const direction = filter.order === 'desc' ? desc : asc;
    const rows = await this.baseQuery()
      .where(and(...conditions))
      .orderBy(direction(SORT_COLUMNS[filter.sort ?? 'slug']), direction(tenants.slug))
      .limit(filter.limit)
      .offset(filter.offset ?? 0);
    return rows.map(toRecord);
  }

  /** Tenants by tier and status, for the fleet overview (one grouped scan). */
  async census(): Promise<{ tier: Tier; status: TenantStatus; n: number }[]> {
    return this.db
      .select({ tier: placements.tier, status: tenants.status, n: count() })
      .from(tenants)
      .innerJoin(placements, eq(placements.tenantId, tenants.id))
      .groupBy(placements.tier, tenants.status);
  }

  /** How many tenants `list` would page through (its filters, without paging). */
  async count(filter: Omit<TenantListFilter, 'limit'>): Promise<number> {
    const [row] = await this.db
      .select({ n: count() })
      .from(tenants)
      .innerJoin(placements, eq(placements.tenantId, tenants.id))
      .where(and(...listConditions(filter)));
    return row?.n ?? 0;
  }

  /** Inserts the tenant (status `provisioning`) and its placement in one transaction. */
  async insert(input: NewTenant): Promise<TenantRecord> {
    await this.db.transaction(async (tx) => {
      await tx.insert(tenants).values({ id: input.id, slug: input.slug, name: input.name, status: 'provisioning' });
      await tx.insert(placements).values({
        tenantId: input.id,
        tier: input.tier,
        server: input.placement.server,
        database: input.placement.database,
        schema: input.placement.schema,
        state: 'provisioning',
      });
    });
    return (await this.findById(input.id))!;
  }

  /**
   * An operator's edit (name, suspend, resume), recorded as `action` in the same transaction: the
   * change does not happen unless its record is written. Undefined when there is no such tenant.
   */
  /**
   * A tenant being offboarded is not resumed here (only a cancel of the offboarding resumes it): it would
   * serve again until its erasure.
   */
  async edit(id: string, changes: TenantEdit, by: AuditActor, action: string): Promise<TenantRecord | undefined> {
    const offboarding = this.db
      .select({ one: sql`1` })
      .from(offboardings)
      .where(and(eq(offboardings.tenantId, id), inArray(offboardings.state, [...ACTIVE_OFFBOARDING_STATES])));
    const edited = await this.db.transaction(async (tx) => {
      const [row] = await tx
        .update(tenants)
        .set({ ...changes, updatedAt: sql`now()` })
        .where(and(eq(tenants.id, id), changes.status === 'active' ? notExists(offboarding) : undefined))
        .returning({ slug: tenants.slug });
      if (!row) return false;
      const entry = { actor: by.actor, action, target: id, targetSlug: row.slug, details: { changes } };
      await appendAudit(tx, { ...entry, outcome: 'succeeded' });
      return true;
    });
    return edited ? this.findById(id) : undefined;
  }

  /** A change of the system's own (no record): e.g. `deleting` while an offboarding runs. */
  async update(id: string, changes: { name?: string; status?: TenantStatus }): Promise<TenantRecord | undefined> {
    if (changes.name === undefined && changes.status === undefined) return this.findById(id);
    const updated = await this.db
      .update(tenants)
      .set({ ...changes, updatedAt: sql`now()` })
      .where(eq(tenants.id, id))
      .returning({ id: tenants.id });
    return updated.length ? this.findById(id) : undefined;
  }

  /** Every tenant with its placement, in slug order (for fleet-wide work such as migrations). */
  async all(): Promise<TenantRecord[]> {
    const rows = await this.baseQuery().orderBy(asc(tenants.slug));
    return rows.map(toRecord);
  }

  /**
   * The tenant becomes active, recorded as `tenant.create` in the same transaction: no tenant is ever
   * active unaudited. Whoever finishes a provisioning (a resumed one too) records it; a finisher that
   * finds the tenant active already records nothing, so each tenant is created once in the trail.
   */
  async markProvisioned(id: string, schemaVersion: string | null, by: AuditActor): Promise<void> {
    await this.db.transaction(async (tx) => {
      const [placement] = await tx
        .update(placements)
        .set({ state: 'ready' satisfies PlacementState, schemaVersion, updatedAt: sql`now()` })
        .where(eq(placements.tenantId, id))
        .returning(location);
      const [activated] = await tx
        .update(tenants)
        .set({ status: 'active', updatedAt: sql`now()` })
        .where(and(eq(tenants.id, id), eq(tenants.status, 'provisioning')))
        .returning({ slug: tenants.slug });
      if (!activated) return;
      const entry = { actor: by.actor, action: 'tenant.create', target: id, targetSlug: activated.slug };
      await appendAudit(tx, { ...entry, outcome: 'succeeded', details: { ...placement, schemaVersion } });
    });
  }

  /**
   * With `claim`, only while that worker still holds that move (see MoveClaim); returns whether the
   * placement was changed.
   */
  async setPlacementState(id: string, state: PlacementState, claim?: MoveClaim): Promise<boolean> {
    const rows = await this.db
      .update(placements)
      .set({ state, updatedAt: sql`now()` })
      .where(and(eq(placements.tenantId, id), claim ? holds(claim) : undefined))
      .returning({ id: placements.tenantId });
    return rows.length === 1;
  }

  /**
   * Points the tenant at its new location — only if its placement is still the version the move
   * started from — and bumps the version. Returns false if someone else changed it meanwhile.
   */
  async flipPlacement(
    id: string,
    fromVersion: number,
    to: { tier: Tier; server: string; database: string; schema: string },
    claim?: MoveClaim,
  ): Promise<boolean> {
    const rows = await this.db
      .update(placements)
      .set({ ...to, version: sql`${placements.version} + 1`, state: 'ready', updatedAt: sql`now()` })
      .where(and(eq(placements.tenantId, id), eq(placements.version, fromVersion), claim ? holds(claim) : undefined))
      .returning({ version: placements.version });
    return rows.length === 1;
  }

  async setSchemaVersion(id: string, schemaVersion: string): Promise<void> {
    await this.db.update(placements).set({ schemaVersion }).where(eq(placements.tenantId, id));
  }

  /** Removes the tenant (its placement and moves go with it), recorded as `tenant.delete` in the same transaction. */
  async delete(id: string, by: AuditActor): Promise<void> {
    await this.db.transaction(async (tx) => {
      const [placement] = await tx.select(location).from(placements).where(eq(placements.tenantId, id));
      const [gone] = await tx.delete(tenants).where(eq(tenants.id, id)).returning({ slug: tenants.slug });
      // Already gone: whoever removed it recorded it.
      if (!gone) return;
      const entry = { actor: by.actor, action: 'tenant.delete', target: id, targetSlug: gone.slug };
      await appendAudit(tx, { ...entry, outcome: 'succeeded', details: placement });
    });
  }
}
