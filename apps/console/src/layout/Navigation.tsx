import { NavLink } from '@mantine/core';
import { Link, useLocation } from 'react-router';

/** The console's sections, in the sidebar. */
const SECTIONS = [
  { to: '/', label: 'Overview', exact: true },
  { to: '/tenants', label: 'Tenants' },
  { to: '/candidates', label: 'Upgrade candidates' },
  { to: '/migrations', label: 'Migrations' },
  { to: '/doctor', label: 'Doctor' },
  { to: '/audit', label: 'Audit log' },
] as const;

export function Navigation({ onNavigate }: { onNavigate: () => void }) {
  const { pathname } = useLocation();
  return (
    <>
      {SECTIONS.map((section) => {
        const active = 'exact' in section ? pathname === section.to : pathname.startsWith(section.to);
        return (
          <NavLink
            key={section.to}
            component={Link}
            to={section.to}
            label={section.label}
            active={active}
            aria-current={active ? 'page' : undefined}
            onClick={onNavigate}
            data-testid={`nav-${section.label.toLowerCase().replace(/ /g, '-')}`}
          />
        );
      })}
    </>
  );
}
