import { Anchor } from '@mantine/core';
import { Link } from 'react-router';
import { resources } from '../api';
import { useResource } from '../hooks/useResource';

/** A link to a tenant known by id only (moves carry the id): shows its slug once read. */
export function TenantLink({ id }: { id: string }) {
  const { data } = useResource(resources.tenant(id));
  return (
    <Anchor component={Link} to={`/tenants/${data?.slug ?? id}`}>
      {data ? data.slug : `${id.slice(0, 8)}…`}
    </Anchor>
  );
}
