-- The MariaDB user that `wrangler dev` and the workerd tests connect as through the local
-- Hyperdrive binding (Hyperdrive needs a password, even locally). Run as root, once:
--   mysql -h 127.0.0.1 -u root < infra/cloudflare/local-dev-user.sql
-- Local development only: the password is in apps/api/wrangler.jsonc. CREATE and DROP are there
-- for the admin API (provisioning); a production user needs only what infra/cloudflare/README.md lists.
CREATE USER IF NOT EXISTS 'tenantry_edge'@'%' IDENTIFIED BY 'tenantry_edge_dev';
CREATE USER IF NOT EXISTS 'tenantry_edge'@'localhost' IDENTIFIED BY 'tenantry_edge_dev';
ALTER USER 'tenantry_edge'@'%' IDENTIFIED BY 'tenantry_edge_dev';
ALTER USER 'tenantry_edge'@'localhost' IDENTIFIED BY 'tenantry_edge_dev';
GRANT SELECT, INSERT, UPDATE, DELETE, CREATE, DROP, ALTER, INDEX ON *.* TO 'tenantry_edge'@'%';
GRANT SELECT, INSERT, UPDATE, DELETE, CREATE, DROP, ALTER, INDEX ON *.* TO 'tenantry_edge'@'localhost';
