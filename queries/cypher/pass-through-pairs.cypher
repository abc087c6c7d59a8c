// name: pass-through-pairs
// title: Pass-through pairs
// description: Goods of one HS6 heading that arrive at a company in a transit country and
//   leave it for Russia or Belarus within the window in nearly the same quantity: the
//   basic transshipment pattern, one arrival and one onward shipment per row. A shipment
//   declared on both sides of a border (MIRROR_OF) counts once. Arrivals split over several
//   onward shipments are found by 'tracegraph chains', not here.
// param: window_days int 60 Most days between arrival and onward shipment
// param: tolerance float 0.15 Largest relative difference between the amount out and the
//   amount in (0.15 = within 15%)
// param: destinations list[str] RU,BY Countries the onward shipment goes to
// param: transit_countries list[str] AE,AM,AZ,GE,HK,KG,KZ,MN,RS,TJ,TM,TR,UZ Countries of the
//   intermediary ("" for any country outside the destinations)
// param: hs_prefix str "" Only goods whose HS6 starts with this ("" for all)
// param: since date 2022-02-24 Only arrivals on or after this day
// param: limit int 500 Most rows returned
// column: supplier_id Entity id of the company that shipped the goods in
// column: supplier Its name
// column: supplier_country Its country
// column: intermediary_id Entity id of the company the goods passed through
// column: intermediary Its name
// column: intermediary_country Its country
// column: buyer_id Entity id of the company in the destination country
// column: buyer Its name
// column: buyer_country Its country
// column: hs6 HS6 heading of the goods
// column: arrival_record_id record_id of the arrival in the source data
// column: arrival_date Date of the arrival
// column: onward_record_id record_id of the onward shipment
// column: onward_date Date of the onward shipment
// column: lag_days Days between the two
// column: measure What was compared: quantity, or net_weight_kg where quantity is missing
// column: amount_in Quantity (or kg) that arrived
// column: amount_out Quantity (or kg) sent on
// column: quantity_ratio amount_out / amount_in
// column: value_in_usd Declared value of the arrival
// column: value_out_usd Declared value of the onward shipment
// column: markup value_out_usd / value_in_usd
MATCH (supplier:Company)-[:EXPORTED]->(arrival:Shipment)-[:IMPORTED_BY]->(intermediary:Company)
WHERE arrival.date >= $since
  AND arrival.hs6 STARTS WITH $hs_prefix
  AND NOT intermediary.country IN $destinations
  AND (size($transit_countries) = 0 OR intermediary.country IN $transit_countries)
  // a mirror declaration points at the kept one, which alone is counted
  AND NOT EXISTS { MATCH (arrival)-[:MIRROR_OF]->(:Shipment) }
MATCH (intermediary)-[:EXPORTED]->(onward:Shipment)-[:IMPORTED_BY]->(buyer:Company)
WHERE buyer.country IN $destinations
  AND onward.hs6 = arrival.hs6
  AND onward.date >= arrival.date
  AND onward.date <= arrival.date + duration({days: $window_days})
  AND NOT EXISTS { MATCH (onward)-[:MIRROR_OF]->(:Shipment) }
WITH supplier, intermediary, buyer, arrival, onward,
     CASE
       WHEN arrival.quantity > 0 AND onward.quantity IS NOT NULL THEN 'quantity'
       WHEN arrival.net_weight_kg > 0 AND onward.net_weight_kg IS NOT NULL THEN 'net_weight_kg'
     END AS measure
WHERE measure IS NOT NULL
WITH supplier, intermediary, buyer, arrival, onward, measure,
     CASE measure WHEN 'quantity' THEN arrival.quantity ELSE arrival.net_weight_kg END AS amount_in,
     CASE measure WHEN 'quantity' THEN onward.quantity ELSE onward.net_weight_kg END AS amount_out
WITH supplier, intermediary, buyer, arrival, onward, measure, amount_in, amount_out,
     toFloat(amount_out) / amount_in AS ratio
WHERE abs(ratio - 1.0) <= $tolerance
RETURN supplier.id AS supplier_id,
       supplier.name AS supplier,
       supplier.country AS supplier_country,
       intermediary.id AS intermediary_id,
       intermediary.name AS intermediary,
       intermediary.country AS intermediary_country,
       buyer.id AS buyer_id,
       buyer.name AS buyer,
       buyer.country AS buyer_country,
       arrival.hs6 AS hs6,
       arrival.record_id AS arrival_record_id,
       arrival.date AS arrival_date,
       onward.record_id AS onward_record_id,
       onward.date AS onward_date,
       duration.inDays(arrival.date, onward.date).days AS lag_days,
       measure,
       amount_in,
       amount_out,
       round(ratio, 3) AS quantity_ratio,
       arrival.value_usd AS value_in_usd,
       onward.value_usd AS value_out_usd,
       CASE WHEN arrival.value_usd > 0 THEN round(onward.value_usd / arrival.value_usd, 3) END AS markup
ORDER BY abs(ratio - 1.0), lag_days, arrival_record_id, onward_record_id
LIMIT $limit
