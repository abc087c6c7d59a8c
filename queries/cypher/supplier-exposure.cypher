// name: supplier-exposure
// title: Supplier exposure to defence buyers
// description: Which suppliers' goods reach defence-industry buyers, and through whom: a
//   supplier ships an HS6 heading to an intermediary, which ships the same heading on to a
//   defence buyer within the window. For compliance teams of manufacturers and distributors
//   checking where their products end up.
// param: window_days int 180 Most days between the supplier's shipment and the onward one
// param: buyer_categories list[str] defence_industry,military_end_user Watchlist categories
//   that make a buyer a defence buyer (besides the DefenceBuyer role label)
// param: supplier_countries list[str] "" Only suppliers of these countries ("" for all)
// param: hs_prefix str "" Only goods whose HS6 starts with this ("" for all)
// param: limit int 200 Most rows returned
// column: supplier_id Entity id of the supplier
// column: supplier Its name
// column: supplier_country Its country
// column: intermediary_id Entity id of the company in between
// column: intermediary Its name
// column: intermediary_country Its country
// column: buyer_id Entity id of the defence buyer
// column: buyer Its name
// column: buyer_country Its country
// column: buyer_lists Lists the buyer is on (list)
// column: hs6s HS6 headings that went the whole way (list)
// column: supplier_shipments Matching shipments from the supplier to the intermediary
// column: onward_shipments Matching shipments from the intermediary to the buyer
// column: value_in_usd Declared value of the supplier's matching shipments
// column: value_out_usd Declared value of the matching onward shipments
// column: first_date Day of the first matching supplier shipment
// column: last_date Day of the last matching onward shipment
MATCH (buyer:Company)
WHERE buyer:DefenceBuyer
   OR EXISTS { MATCH (buyer)-[:LISTED_AS]->(l:Listing) WHERE l.category IN $buyer_categories }
MATCH (intermediary:Company)-[:EXPORTED]->(onward:Shipment)-[:IMPORTED_BY]->(buyer)
WHERE onward.hs6 STARTS WITH $hs_prefix
  // a mirror declaration points at the kept one, which alone is counted
  AND NOT EXISTS { MATCH (onward)-[:MIRROR_OF]->(:Shipment) }
MATCH (supplier:Company)-[:EXPORTED]->(arrival:Shipment)-[:IMPORTED_BY]->(intermediary)
WHERE arrival.hs6 = onward.hs6
  AND arrival.date <= onward.date
  AND onward.date <= arrival.date + duration({days: $window_days})
  AND supplier <> buyer
  AND (size($supplier_countries) = 0 OR supplier.country IN $supplier_countries)
  AND NOT EXISTS { MATCH (arrival)-[:MIRROR_OF]->(:Shipment) }
WITH supplier, intermediary, buyer,
     collect(DISTINCT arrival) AS arrivals,
     collect(DISTINCT onward) AS onwards
RETURN supplier.id AS supplier_id,
       supplier.name AS supplier,
       supplier.country AS supplier_country,
       intermediary.id AS intermediary_id,
       intermediary.name AS intermediary,
       intermediary.country AS intermediary_country,
       buyer.id AS buyer_id,
       buyer.name AS buyer,
       buyer.country AS buyer_country,
       [(buyer)-[:LISTED_AS]->(l:Listing) | l.list] AS buyer_lists,
       reduce(acc = [], s IN onwards | CASE WHEN s.hs6 IN acc THEN acc ELSE acc + s.hs6 END) AS hs6s,
       size(arrivals) AS supplier_shipments,
       size(onwards) AS onward_shipments,
       reduce(v = 0.0, s IN arrivals | v + coalesce(s.value_usd, 0.0)) AS value_in_usd,
       reduce(v = 0.0, s IN onwards | v + coalesce(s.value_usd, 0.0)) AS value_out_usd,
       reduce(d = null, s IN arrivals | CASE WHEN d IS NULL OR s.date < d THEN s.date ELSE d END) AS first_date,
       reduce(d = null, s IN onwards | CASE WHEN d IS NULL OR s.date > d THEN s.date ELSE d END) AS last_date
ORDER BY value_out_usd DESC, supplier_id, intermediary_id, buyer_id
LIMIT $limit
