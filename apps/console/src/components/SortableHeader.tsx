import { Table, UnstyledButton } from '@mantine/core';
import type { ReactNode } from 'react';
import type { SortOrder } from '../api-types';

interface SortableHeaderProps {
  children: ReactNode;
  /** Whether the table is sorted by this column, and how. */
  sorted: SortOrder | undefined;
  onSort: () => void;
  testId?: string;
}

/** A column header that sorts the table (server-side); `aria-sort` tells assistive technology. */
export function SortableHeader({ children, sorted, onSort, testId }: SortableHeaderProps) {
  const arrow = sorted === 'asc' ? ' ▲' : sorted === 'desc' ? ' ▼' : '';
  return (
    <Table.Th aria-sort={sorted === 'asc' ? 'ascending' : sorted === 'desc' ? 'descending' : 'none'}>
      <UnstyledButton onClick={onSort} fw={700} fz="sm" data-testid={testId}>
        {children}
        <span aria-hidden="true">{arrow}</span>
      </UnstyledButton>
    </Table.Th>
  );
}
