// name: mirror-declarations
// title: Mirror declarations
// description: Shipments declared on both sides of a border (linked MIRROR_OF), side by side.
//   Each counts once in the other questions; a large gap between the two declared values or
//   quantities is itself evidence of mis-declaration.
// param: min_value_gap_pct float 0 Only pairs whose declared values differ by at least this
//   many percent of the larger one (0 for all pairs)
// param: limit int 500 Most rows returned
// column: record_id record_id of the declaration that is counted
// column: reporter Whose customs recorded it
// column: date Its date
// column: mirror_record_id record_id of the mirror declaration, counted through the other
// column: mirror_reporter Whose customs recorded that one
// column: mirror_date Its date
// column: exporter Name of the exporter
// column: importer Name of the importer
// column: hs6 HS6 heading of the counted declaration
// column: mirror_hs6 HS6 heading of the mirror declaration
// column: quantity Quantity of the counted declaration
// column: mirror_quantity Quantity of the mirror declaration
// column: value_usd Declared value of the counted declaration
// column: mirror_value_usd Declared value of the mirror declaration
// column: value_gap_pct Difference of the two values, percent of the larger one
// column: days_apart Days between the two dates

// the mirror declaration points at the one that is counted
MATCH (other:Shipment)-[:MIRROR_OF]->(one:Shipment)
OPTIONAL MATCH (exporter:Company)-[:EXPORTED]->(one)
OPTIONAL MATCH (one)-[:IMPORTED_BY]->(importer:Company)
WITH one, other, exporter, importer,
     CASE
       WHEN one.value_usd IS NULL OR other.value_usd IS NULL THEN null
       WHEN one.value_usd >= other.value_usd AND one.value_usd > 0
         THEN 100.0 * (one.value_usd - other.value_usd) / one.value_usd
       WHEN other.value_usd > one.value_usd
         THEN 100.0 * (other.value_usd - one.value_usd) / other.value_usd
       ELSE 0.0
     END AS gap
WHERE $min_value_gap_pct <= 0 OR gap >= $min_value_gap_pct
RETURN one.record_id AS record_id,
       one.reporter AS reporter,
       one.date AS date,
       other.record_id AS mirror_record_id,
       other.reporter AS mirror_reporter,
       other.date AS mirror_date,
       exporter.name AS exporter,
       importer.name AS importer,
       one.hs6 AS hs6,
       other.hs6 AS mirror_hs6,
       one.quantity AS quantity,
       other.quantity AS mirror_quantity,
       one.value_usd AS value_usd,
       other.value_usd AS mirror_value_usd,
       round(gap, 1) AS value_gap_pct,
       abs(duration.inDays(one.date, other.date).days) AS days_apart
ORDER BY coalesce(gap, -1.0) DESC, record_id, mirror_record_id
LIMIT $limit
