-- Change streams of the `shop` databases, captured by Debezium from the native stack
-- (deploy/local/up.sh). Debezium's JsonConverter sends each event with its schema block; the
-- decoder takes decimal scale and io.debezium.time.* units from it.
--
-- bootstrap_servers is the literal address of the local stack so that these files plan (and the
-- example corpus test passes) without any environment. To point them at another cluster, replace
-- it with '${STREAMFORGE_KAFKA_BOOTSTRAP}' (an unset variable is then a plan-time error).

-- PostgreSQL public.orders (REPLICA IDENTITY DEFAULT: updates arrive with `before: null`, deletes
-- with only the key; PRIMARY KEY makes the engine retract the row it stored for that id).
CREATE SOURCE orders (
  id           BIGINT,
  customer_id  BIGINT,
  amount       DECIMAL(10,2),
  status       VARCHAR,
  created_at   TIMESTAMP(3),
  changed_at   TIMESTAMP(3) METADATA FROM 'source.ts_ms',
  op           VARCHAR      METADATA FROM 'op',
  PRIMARY KEY (id),
  WATERMARK FOR created_at AS created_at - INTERVAL '5' SECOND
) WITH (
  connector = 'kafka',
  topic = 'shop_pg.public.orders',
  bootstrap_servers = '127.0.0.1:19092',
  group_id = 'streamforge-cdc-stack-orders',
  startup = 'earliest',
  format = 'debezium-json',
  changelog = 'retract',
  on_error = 'dead_letter'
);

-- MariaDB shop.payments (binlog ROW/FULL: updates and deletes carry complete before images).
CREATE SOURCE payments (
  id           BIGINT,
  order_id     BIGINT,
  customer_id  BIGINT,
  method       VARCHAR,
  amount       DECIMAL(10,2),
  paid_at      TIMESTAMP(3),
  PRIMARY KEY (id),
  WATERMARK FOR paid_at AS paid_at - INTERVAL '5' SECOND
) WITH (
  connector = 'kafka',
  topic = 'shop_my.shop.payments',
  bootstrap_servers = '127.0.0.1:19092',
  group_id = 'streamforge-cdc-stack-payments',
  startup = 'earliest',
  format = 'debezium-json',
  on_error = 'dead_letter'
);

-- Orders that still count: a cancellation retracts the order from its window.
CREATE VIEW live_orders AS
  SELECT id, customer_id, amount, status, created_at
  FROM orders
  WHERE status <> 'cancelled';
