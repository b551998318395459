// The race's SQL for DuckDB (tests/bench/peer/race.mjs): kezhi's definitions written as
// queries. Each follows the core's code, cited beside it; the race checks the answers are the
// ones kezhi gives, customer by customer.
//
// Conventions of the files (src/bench_hooks/race.rs): customers are numbered by position
// (`cid`, an integer: DuckDB joins and groups on it, where kezhi maps UUIDs to positions inside
// its timed work); times are UTC milliseconds; a day is a calendar day in China's time zone
// (UTC+8, the default settings): (t + 8 h) // 1 day.

const DAY = '86400000';
const OFFSET = '28800000';

/** Loading (not timed): the CSVs into tables; tags into lists. */
export const LOAD = [
  `CREATE TABLE customers AS SELECT cid, name, city,
     CASE WHEN tags = '' THEN []::VARCHAR[] ELSE string_split(tags, chr(31)) END AS tags,
     stage_override
   FROM read_csv('customers.csv', header = true, columns = {
     'cid': 'INTEGER', 'name': 'VARCHAR', 'city': 'VARCHAR', 'tags': 'VARCHAR', 'stage_override': 'VARCHAR'})`,
  `CREATE TABLE orders AS SELECT * FROM read_csv('orders.csv', header = true, columns = {
     'cid': 'INTEGER', 'ordered_at': 'BIGINT', 'amount_cents': 'BIGINT', 'status': 'VARCHAR'})`,
  `CREATE TABLE events AS SELECT * FROM read_csv('events.csv', header = true, columns = {
     'cid': 'INTEGER', 'occurred_at': 'BIGINT', 'kind': 'VARCHAR'})`,
];

/** (a) and (a′): per customer, paid orders (f), net spend (m) and the last paid order's time. */
const PER_CUSTOMER = `per_customer AS (
  SELECT cid,
    count(*) FILTER (WHERE status = 'paid') AS f,
    sum(CASE WHEN status = 'paid' THEN amount_cents ELSE -amount_cents END)::BIGINT AS m,
    max(ordered_at) FILTER (WHERE status = 'paid') AS last_t
  FROM orders GROUP BY cid
)`;

/** (a) and (a′): the three scores over the customers with a paid order, from `recency`. */
const SCORES = `scores AS (
  SELECT cid,
    1 + 5 * (rank() OVER (ORDER BY recency DESC) - 1) // count(*) OVER () AS rs,
    1 + 5 * (rank() OVER (ORDER BY f) - 1) // count(*) OVER () AS fs,
    1 + 5 * (rank() OVER (ORDER BY m) - 1) // count(*) OVER () AS ms
  FROM recency WHERE f > 0
)`;

// Codes as kezhi's indices: Stage::ALL = prospect 0, developing 1, growing 2, mature 3, at_risk 4,
// churned 5; RfmGroup::ALL = important value 0 … general win back 7; tiers by rule number
// (premium 0, key 1, regular 2 with the default rules).

/**
 * (a) Every customer's analytics (crates/core/src/metrics.rs, docs/analytics.md), as a table.
 * - F = paid orders; M = paid − refunded amounts; last order = the latest paid one.
 * - Median gap: of the day differences between consecutive paid orders' days (each paid
 *   order its own entry, same-day orders giving 0), the middle one, or the mean of the middle
 *   two rounded down (quantile_cont's interpolation at 0.5 is that mean; floor rounds down).
 * - Reference day = the day of the latest paid order of all, plus one. R = reference − the
 *   last paid order's day.
 * - Scores over customers with a paid order (n of them): 1 + floor(5 × c ÷ n), c = those with
 *   a strictly smaller value — rank() − 1 exactly (ties share a rank); R on negated days, i.e.
 *   ordered by days descending.
 * - Group: R, F, M high at score ≥ 3 (RfmGroup::of); index = (M high ? 0 : 4) + (R high ? 0 :
 *   2) + (F high ? 0 : 1).
 * - Stage (stage_of): no paid order → prospect; R > 180 → churned; R > the at-risk limit (2 ×
 *   max(median gap, 1), or 90 for one-time buyers) → at risk; F ≥ 4 → mature; F ≥ 2 →
 *   growing; else developing. A stage set by hand replaces it.
 * - Tier: net spend ≥ ¥50,000 → premium; net spend > 0 and (customers who spent strictly more)
 *   × 100 < 20 × all customers → key; else regular.
 * - AOV = M ÷ F rounded half away from zero (money::div_round_i64), and the last order's day,
 *   kept for the segment.
 */
export const ANALYTICS = `CREATE OR REPLACE TABLE analytics AS
WITH ${PER_CUSTOMER},
paid_days AS (
  SELECT cid, (ordered_at + ${OFFSET}) // ${DAY} AS day FROM orders WHERE status = 'paid'
),
gaps AS (
  SELECT cid, day - lag(day) OVER (PARTITION BY cid ORDER BY day) AS gap FROM paid_days
),
medians AS (
  SELECT cid, floor(quantile_cont(gap, 0.5))::BIGINT AS median_gap
  FROM gaps WHERE gap IS NOT NULL GROUP BY cid
),
base AS (
  SELECT c.cid, c.stage_override, coalesce(p.f, 0) AS f, coalesce(p.m, 0) AS m,
    (p.last_t + ${OFFSET}) // ${DAY} AS last_day, g.median_gap
  FROM customers c LEFT JOIN per_customer p USING (cid) LEFT JOIN medians g USING (cid)
),
reference AS (SELECT max(last_day) + 1 AS ref_day FROM base WHERE f > 0),
recency AS (
  SELECT base.*, CASE WHEN f > 0 THEN ref_day - last_day END AS recency, ref_day
  FROM base, reference
),
${SCORES},
spend_rank AS (
  SELECT cid, rank() OVER (ORDER BY m DESC) - 1 AS spent_more, count(*) OVER () AS everyone
  FROM recency
)
SELECT r.cid, r.f, r.m, r.recency, s.rs, s.fs, s.ms,
  CASE WHEN r.f > 0 THEN (CASE WHEN s.ms >= 3 THEN 0 ELSE 4 END)
    + (CASE WHEN s.rs >= 3 THEN 0 ELSE 2 END) + (CASE WHEN s.fs >= 3 THEN 0 ELSE 1 END) END AS grp,
  coalesce(
    CASE r.stage_override WHEN 'prospect' THEN 0 WHEN 'developing' THEN 1 WHEN 'growing' THEN 2
      WHEN 'mature' THEN 3 WHEN 'at_risk' THEN 4 WHEN 'churned' THEN 5 END,
    CASE WHEN r.f = 0 THEN 0
      WHEN r.recency > 180 THEN 5
      WHEN r.recency > CASE WHEN r.median_gap IS NULL THEN 90 ELSE 2 * greatest(r.median_gap, 1) END THEN 4
      WHEN r.f >= 4 THEN 3 WHEN r.f >= 2 THEN 2 ELSE 1 END) AS stage,
  CASE WHEN r.m >= 5000000 THEN 0
    WHEN r.m > 0 AND t.spent_more * 100 < 20 * t.everyone THEN 1 ELSE 2 END AS tier,
  CASE WHEN r.f = 0 THEN NULL
    WHEN r.m >= 0 THEN (2 * r.m + r.f) // (2 * r.f)
    ELSE -((-2 * r.m + r.f) // (2 * r.f)) END AS aov,
  r.last_day, r.ref_day
FROM recency r LEFT JOIN scores s USING (cid) JOIN spend_rank t USING (cid)`;

/**
 * (a′) The RFM subset alone (metrics::rfm; the native race, tests/bench/peer/native.py): F, net
 * M, R and the three scores, by the same definitions as (a).
 */
export const RFM = `CREATE OR REPLACE TABLE rfm AS
WITH ${PER_CUSTOMER},
base AS (
  SELECT c.cid, coalesce(p.f, 0) AS f, coalesce(p.m, 0) AS m,
    (p.last_t + ${OFFSET}) // ${DAY} AS last_day
  FROM customers c LEFT JOIN per_customer p USING (cid)
),
reference AS (SELECT max(last_day) + 1 AS ref_day FROM base WHERE f > 0),
recency AS (
  SELECT base.*, CASE WHEN f > 0 THEN ref_day - last_day END AS recency FROM base, reference
),
${SCORES}
SELECT r.cid, r.f, r.m, r.recency, s.rs, s.fs, s.ms FROM recency r LEFT JOIN scores s USING (cid)`;

/** Before the segment (not timed): the customers beside their analytics, one wide table, as
 * kezhi's segment reads the customers beside their metrics by position. */
export const SEGMENT_INPUT = `CREATE OR REPLACE TABLE seg_input AS
  SELECT c.cid, c.name, c.city, c.tags, a.* EXCLUDE (cid) FROM customers c JOIN analytics a USING (cid)`;

/**
 * (b) The 10-condition rule of crates/core/benches/core.rs:
 *   total_spent > 500 AND (city IN ("上海", "杭州", "北京") OR tags HAS ANY ("VIP"))
 *   AND last_order_at WITHIN 365d AND NOT (lifecycle = "流失" OR rfm_group = "一般挽留客户")
 *   AND orders >= 2 AND (aov BETWEEN 50 AND 5000 OR tier = "优质客户") AND name IS NOT EMPTY
 * with the missing-value rule of docs/segments.md (a condition on a value the customer does not
 * have is false, also under NOT: hence coalesce(…, false) around each one); money in cents;
 * WITHIN 365d = on or after the reference day − 365; labels by their indices (流失 = churned 5,
 * 一般挽留客户 = general win back 7, 优质客户 = premium 0). Text equality ignores the case of
 * Latin letters (lower() on both sides; the values here have none); IS NOT EMPTY: not blank.
 */
const SEGMENT_WHERE = `coalesce(m > 50000, false)
  AND (coalesce(city IN ('上海', '杭州', '北京'), false)
       OR coalesce(list_bool_or(list_transform(tags, t -> lower(t) = 'vip')), false))
  AND coalesce(last_day >= ref_day - 365, false)
  AND NOT (coalesce(stage = 5, false) OR coalesce(grp = 7, false))
  AND coalesce(f >= 2, false)
  AND (coalesce(aov BETWEEN 5000 AND 500000, false) OR coalesce(tier = 0, false))
  AND coalesce(trim(name) <> '', false)`;
export const SEGMENT = `SELECT count(*) AS n FROM seg_input WHERE ${SEGMENT_WHERE}`;
export const SEGMENT_MEMBERS = `SELECT cid FROM seg_input WHERE ${SEGMENT_WHERE} ORDER BY cid`;

/**
 * (c) The purchase funnel (crates/core/src/funnel/, docs/funnels.md; sequential, window 1
 * day, all time): a customer reaches step k when some visit at t1 is followed by a view at
 * t2 ≥ t1, an add_to_cart at t3 ≥ t2, … with tk − t1 ≤ 1 day (same-millisecond events count
 * as in order; each step a distinct event, which distinct event types guarantee). From a
 * start, taking each step at the earliest time it can be reached is optimal (path.rs), which
 * is what each ASOF JOIN (the first event of the next type at or after the previous step)
 * gives; a start whose earliest next step is already past the window goes no further (the
 * WHERE after each join). The customer's furthest step is the largest reached from any start.
 */
export const FUNNEL = `CREATE OR REPLACE TABLE funnel AS
WITH visit AS (SELECT cid, occurred_at AS t FROM events WHERE kind = 'visit'),
view AS (SELECT cid, occurred_at AS t FROM events WHERE kind = 'view'),
cart AS (SELECT cid, occurred_at AS t FROM events WHERE kind = 'add_to_cart'),
checkout AS (SELECT cid, occurred_at AS t FROM events WHERE kind = 'checkout'),
pay AS (SELECT cid, occurred_at AS t FROM events WHERE kind = 'pay'),
p2 AS (SELECT s.cid, s.t AS t1, x.t AS t2 FROM visit s
  ASOF JOIN view x ON s.cid = x.cid AND x.t >= s.t WHERE x.t - s.t <= ${DAY}),
p3 AS (SELECT p.cid, p.t1, x.t AS t3 FROM p2 p
  ASOF JOIN cart x ON p.cid = x.cid AND x.t >= p.t2 WHERE x.t - p.t1 <= ${DAY}),
p4 AS (SELECT p.cid, p.t1, x.t AS t4 FROM p3 p
  ASOF JOIN checkout x ON p.cid = x.cid AND x.t >= p.t3 WHERE x.t - p.t1 <= ${DAY}),
p5 AS (SELECT p.cid FROM p4 p
  ASOF JOIN pay x ON p.cid = x.cid AND x.t >= p.t4 WHERE x.t - p.t1 <= ${DAY})
SELECT cid, max(step) AS furthest FROM (
  SELECT cid, 1 AS step FROM visit UNION ALL SELECT cid, 2 FROM p2 UNION ALL SELECT cid, 3 FROM p3
  UNION ALL SELECT cid, 4 FROM p4 UNION ALL SELECT cid, 5 FROM p5)
GROUP BY cid`;
