# Sourced once by the mariadb image's entrypoint on a fresh data directory
# (/docker-entrypoint-initdb.d), after it created MARIADB_DATABASE and
# MARIADB_USER with every right on it. As scripts/lib.sh's mariadb_bootstrap:
# the runtime user MARIADB_USER keeps only SELECT, INSERT, UPDATE, DELETE
# (no TRUNCATE, DROP, ALTER or TRIGGER on the append-only audit_log), and
# ${MARIADB_USER}_migrate, whose password is the Secret
# steward-<service>-db-migration, gets every right for the migrations.
migration_password="$(cat /var/run/secrets/steward/db-migration/password)"
docker_process_sql --database=mysql <<SQL
CREATE USER IF NOT EXISTS '${MARIADB_USER}_migrate'@'%' IDENTIFIED BY '${migration_password}';
GRANT ALL PRIVILEGES ON \`${MARIADB_DATABASE}\`.* TO '${MARIADB_USER}_migrate'@'%';
REVOKE ALL PRIVILEGES, GRANT OPTION FROM '${MARIADB_USER}'@'%';
GRANT SELECT, INSERT, UPDATE, DELETE ON \`${MARIADB_DATABASE}\`.* TO '${MARIADB_USER}'@'%';
SQL
