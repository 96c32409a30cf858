-- Payment volume per method over the last 5 minutes, sliding every minute, from MariaDB payments.
CREATE SINK payment_volume_5m WITH (
  connector = 'iceberg',
  table = 'features.payment_volume_5m',
  partition_by = 'day(window_start)',
  commit_interval = '10s'
) AS
SELECT method,
       window_start,
       window_end,
       COUNT(*)                     AS payments,
       SUM(amount)                  AS volume,
       MIN(amount)                  AS min_amount,
       MAX(amount)                  AS max_amount,
       COUNT(DISTINCT customer_id)  AS customers
FROM HOP(payments, paid_at, INTERVAL '1' MINUTE, INTERVAL '5' MINUTE)
GROUP BY method, window_start, window_end;
