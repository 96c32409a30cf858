-- Change streams of the shop database, captured by Debezium (here: JSON lines on disk, written by
-- generate.ts; point `connector = 'kafka'` at the real topics to run the same pipelines live).

-- Orders as a table: updates and deletes retract the previous version of the row.
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
  connector = 'file',
  path = 'data/orders.jsonl',
  format = 'debezium-json',
  changelog = 'retract',
  on_error = 'dead_letter'
);

-- The same topic read as an append-only event log: every change event is one row.
CREATE SOURCE order_events (
  id           BIGINT,
  customer_id  BIGINT,
  amount       DECIMAL(10,2),
  status       VARCHAR,
  created_at   TIMESTAMP(3),
  op           VARCHAR      METADATA FROM 'op',
  WATERMARK FOR created_at AS created_at - INTERVAL '5' SECOND
) WITH (
  connector = 'file',
  path = 'data/orders.jsonl',
  changelog = 'append'
);

-- Page views (inserts only) for browsing sessions.
CREATE SOURCE page_views (
  id          BIGINT,
  user_id     BIGINT,
  url         VARCHAR,
  viewed_at   TIMESTAMP(3),
  PRIMARY KEY (id),
  WATERMARK FOR viewed_at AS viewed_at - INTERVAL '5' SECOND
) WITH (
  connector = 'file',
  path = 'data/page_views.jsonl'
);

CREATE VIEW live_orders AS
  SELECT id, customer_id, amount, status, created_at
  FROM orders
  WHERE status <> 'cancelled';
