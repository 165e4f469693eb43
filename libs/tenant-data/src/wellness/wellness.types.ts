import type { WellnessKind } from '../schema/tenant-data.schema';

export interface WellnessEntry {
  id: string;
  employeeId: string;
  kind: WellnessKind;
  value: number;
  /** ISO date, YYYY-MM-DD. */
  loggedOn: string;
  notes: string | null;
  createdAt: Date;
}

export interface NewWellnessEntry {
  employeeId: string;
  kind: WellnessKind;
  value: number;
  loggedOn: string;
  notes?: string | null;
}

export interface WellnessEntryFilter {
  employeeId?: string;
  from?: string;
  to?: string;
}

export interface WellnessSummaryRow {
  kind: WellnessKind;
  count: number;
  total: number;
  average: number;
}
