-- Every change of a tenant's placement or status is announced on the channel switchyard_placements, in
-- the transaction that makes it: every routing process LISTENs there and drops its cached placement,
-- whoever made the change (API, CLI, a move, or SQL typed by hand). The payload is the tenant id.
CREATE FUNCTION notify_placement_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  -- tenants names the tenant `id`, placements `tenant_id`; a record field that does not exist would fail.
  PERFORM pg_notify('switchyard_placements', coalesce(to_jsonb(OLD) ->> 'tenant_id', to_jsonb(OLD) ->> 'id'));
  RETURN NULL;
END;
$$;--> statement-breakpoint
CREATE TRIGGER tenants_notify_change AFTER UPDATE OR DELETE ON tenants
  FOR EACH ROW EXECUTE FUNCTION notify_placement_change();--> statement-breakpoint
CREATE TRIGGER placements_notify_change AFTER UPDATE OR DELETE ON placements
  FOR EACH ROW EXECUTE FUNCTION notify_placement_change();
