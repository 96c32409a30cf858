-- How many orders each customer created per minute, counted from the append-only event log.
CREATE SINK customer_inserts_1m WITH (
  table = 'features.customer_inserts_1m'
) AS
SELECT customer_id,
       window_start,
       window_end,
       COUNT(*) AS inserts
FROM TUMBLE(order_events, created_at, INTERVAL '1' MINUTE)
WHERE op = 'c'
GROUP BY customer_id, window_start, window_end
HAVING COUNT(*) > 0;
