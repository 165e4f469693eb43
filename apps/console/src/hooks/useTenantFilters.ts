import { useCallback, useMemo } from 'react';
import { useSearchParams } from 'react-router';
import {
  TENANT_SORT_KEYS,
  TENANT_STATUSES,
  TIERS,
  type SortOrder,
  type TenantSortKey,
  type TenantStatus,
  type Tier,
} from '../api-types';

export interface TenantFilters {
  q: string;
  tier?: Tier;
  status?: TenantStatus;
  server?: string;
  sort: TenantSortKey;
  order: SortOrder;
  /** 1-based. */
  page: number;
}

const oneOf = <T extends string>(values: readonly T[], value: string | null): T | undefined =>
  values.find((v) => v === value);

/** The tenants list's search, filters, sort and page, held in the URL's query string. */
export function useTenantFilters(): [TenantFilters, (patch: Partial<TenantFilters>) => void] {
  const [params, setParams] = useSearchParams();

  const filters = useMemo<TenantFilters>(
    () => ({
      q: params.get('q') ?? '',
      tier: oneOf(TIERS, params.get('tier')),
      status: oneOf(TENANT_STATUSES, params.get('status')),
      server: params.get('server') || undefined,
      sort: oneOf(TENANT_SORT_KEYS, params.get('sort')) ?? 'slug',
      order: params.get('order') === 'desc' ? 'desc' : 'asc',
      page: Math.max(1, Number.parseInt(params.get('page') ?? '1', 10) || 1),
    }),
    [params],
  );

  /** Changes some filters; any change but the page goes back to page 1. */
  const update = useCallback(
    (patch: Partial<TenantFilters>) => {
      setParams(
        (previous) => {
          const next = new URLSearchParams(previous);
          for (const [key, value] of Object.entries(patch)) {
            if (value === undefined || value === '' || (key === 'page' && value === 1)) next.delete(key);
            else next.set(key, String(value));
          }
          if (!('page' in patch)) next.delete('page');
          if (next.get('sort') === 'slug') next.delete('sort');
          if (next.get('order') === 'asc') next.delete('order');
          return next;
        },
        { replace: !('page' in patch) && 'q' in patch },
      );
    },
    [setParams],
  );

  return [filters, update];
}
