-- Browsing sessions per user: a session ends after 30 minutes without a page view.
CREATE SINK user_sessions WITH (
  table = 'features.user_sessions',
  partition_by = 'day(session_start), bucket(8, user_id)'
) AS
SELECT user_id,
       window_start AS session_start,
       window_end   AS session_end,
       COUNT(*)     AS page_views,
       COUNT(DISTINCT url) AS distinct_pages,
       MIN(viewed_at) AS first_view,
       MAX(viewed_at) AS last_view
FROM SESSION(page_views, viewed_at, INTERVAL '30' MINUTE)
GROUP BY user_id, window_start, window_end;
