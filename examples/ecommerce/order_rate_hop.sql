-- Shop-wide order rate: a 10-minute window sliding every minute.
CREATE SINK order_rate_10m WITH (
  table = 'features.order_rate_10m',
  partition_by = 'hour(window_start)'
) AS
SELECT window_start,
       window_end,
       COUNT(*)                     AS orders,
       COUNT(DISTINCT customer_id)  AS customers,
       SUM(amount)                  AS revenue,
       STDDEV_POP(amount)           AS amount_stddev
FROM HOP(orders, created_at, INTERVAL '1' MINUTE, INTERVAL '10' MINUTE)
GROUP BY window_start, window_end;
