// name: top-intermediaries-by-chpl-value
// title: Top intermediaries by CHPL value
// description: Companies outside Russia and Belarus ranked by the value of Common High
//   Priority List goods (the battlefield items the US, EU, UK and Japan track) they shipped
//   there since the cut-off day.
// param: tiers list[str] "" Only these CHPL tiers, e.g. 1,2 ("" for all tiers: 1, 2, 3A, 3B,
//   4A, 4B)
// param: destinations list[str] RU,BY Countries the goods went to
// param: transit_countries list[str] "" Only companies of these countries ("" for any country
//   outside the destinations)
// param: since date 2022-02-24 Only shipments on or after this day
// param: limit int 50 Most rows returned
// column: entity_id Entity id of the company
// column: name Its name
// column: country Its country
// column: incorporation_date Day it was incorporated
// column: chpl_value_usd Declared value of its CHPL shipments to the destinations
// column: chpl_shipments Number of those shipments
// column: tiers CHPL tiers of the goods (list)
// column: hs6s HS6 headings of the goods (list)
// column: buyers Distinct buyers of the goods
// column: first_date Day of the first of those shipments
// column: last_date Day of the last of those shipments
MATCH (company:Company)-[:EXPORTED]->(shipment:Shipment)-[:IMPORTED_BY]->(buyer:Company)
WHERE buyer.country IN $destinations
  AND NOT company.country IN $destinations
  AND (size($transit_countries) = 0 OR company.country IN $transit_countries)
  AND shipment.date >= $since
  // a mirror declaration points at the kept one, which alone is counted
  AND NOT EXISTS { MATCH (shipment)-[:MIRROR_OF]->(:Shipment) }
MATCH (shipment)-[:OF_GOODS]->(goods:HSCode)
WHERE goods.chpl_tier IS NOT NULL
  AND (size($tiers) = 0 OR goods.chpl_tier IN $tiers)
WITH company, goods, shipment, buyer
ORDER BY goods.chpl_tier, goods.code
WITH company,
     sum(shipment.value_usd) AS chpl_value_usd,
     count(DISTINCT shipment) AS chpl_shipments,
     collect(DISTINCT goods.chpl_tier) AS tiers,
     collect(DISTINCT goods.code) AS hs6s,
     count(DISTINCT buyer) AS buyers,
     min(shipment.date) AS first_date,
     max(shipment.date) AS last_date
RETURN company.id AS entity_id,
       company.name AS name,
       company.country AS country,
       company.incorporation_date AS incorporation_date,
       chpl_value_usd,
       chpl_shipments,
       tiers,
       hs6s,
       buyers,
       first_date,
       last_date
ORDER BY chpl_value_usd DESC, entity_id
LIMIT $limit
