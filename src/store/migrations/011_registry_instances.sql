-- A registry's instance (HSS's enterprise-instance notion, issue 17): its name and the URL users reach it by.
-- Unset means the registry's own name and `protocol://registry_addr` (store/registries.ts instanceOf), so every
-- image row carries an instance name and URL, and `instance_name` filters by it rather than by the id.
ALTER TABLE registries ADD COLUMN instance_name text;
ALTER TABLE registries ADD COLUMN instance_url text;
CREATE INDEX registries_instance_name ON registries (project_id, (COALESCE(instance_name, registry_name)));
