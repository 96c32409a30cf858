-- Spend per customer per 5-minute tumbling window, from PostgreSQL orders (cancelled excluded).
-- Updates (amount, status, customer), deletes and primary-key changes all retract the old row.
CREATE SINK customer_spend_5m WITH (
  connector = 'iceberg',
  table = 'features.customer_spend_5m',
  partition_by = 'day(window_start)',
  commit_interval = '10s'
) AS
SELECT customer_id,
       window_start,
       window_end,
       COUNT(*)                                 AS orders,
       SUM(amount)                              AS spend,
       AVG(amount)                              AS avg_amount,
       MAX(amount)                              AS max_amount,
       COUNT(*) FILTER (WHERE status = 'paid')  AS paid_orders
FROM TUMBLE(live_orders, created_at, INTERVAL '5' MINUTE)
GROUP BY customer_id, window_start, window_end;
