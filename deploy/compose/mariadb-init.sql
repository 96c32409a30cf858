-- deploy/compose/mariadb-init.sql — run once by the mariadb:10.11 image on first start (docker-compose.yml).
-- Gives the 'debezium' user (created by MARIADB_USER) the binlog/snapshot grants the MariaDB connector needs.
-- Mirrors the bootstrap SQL in deploy/local/mariadb.sh; must not create application tables.
GRANT SELECT, RELOAD, SHOW DATABASES, REPLICATION SLAVE, BINLOG MONITOR, LOCK TABLES ON *.* TO 'debezium'@'%';
FLUSH PRIVILEGES;
