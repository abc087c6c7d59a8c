// name: activity-code-mismatch
// title: Activity code mismatch
// description: Companies shipping dual-use goods (machinery, electronics, aircraft parts,
//   optics and instruments, arms) to Russia or Belarus although their registered main
//   activity (OKVED / NACE) has nothing to do with such trade: a food retailer or a
//   construction firm exporting microchips.
// param: chapters list[str] 84,85,88,90,93 HS chapters of the goods whose trade the activity
//   must explain
// param: fitting_activities list[str] 25,26,27,28,29,30,32,33,45,46,47.4,47.9,49,50,51,52,53,61,62,63,71,72,95
//   Activity code prefixes that plausibly trade such goods (dots are ignored when comparing)
// param: destinations list[str] RU,BY Countries the goods went to ("" for any)
// param: limit int 200 Most rows returned
// column: entity_id Entity id of the company
// column: name Its name
// column: country Its country
// column: activity_code Its registered main activity
// column: shipments Its shipments of such goods to the destinations
// column: value_usd Their declared value
// column: hs6s HS6 headings of the goods (list)
// column: chpl_shipments How many of the shipments carried CHPL goods
MATCH (company:Company)-[:EXPORTED]->(shipment:Shipment)-[:IMPORTED_BY]->(buyer:Company)
WHERE company.activity_code IS NOT NULL
  AND substring(shipment.hs6, 0, 2) IN $chapters
  AND (size($destinations) = 0 OR buyer.country IN $destinations)
  AND NOT any(prefix IN $fitting_activities
              WHERE replace(company.activity_code, '.', '') STARTS WITH replace(prefix, '.', ''))
  // a mirror declaration points at the kept one, which alone is counted
  AND NOT EXISTS { MATCH (shipment)-[:MIRROR_OF]->(:Shipment) }
WITH company, shipment
ORDER BY shipment.hs6
WITH company,
     count(shipment) AS shipments,
     sum(shipment.value_usd) AS value_usd,
     collect(DISTINCT shipment.hs6) AS hs6s,
     count(CASE WHEN EXISTS { MATCH (shipment)-[:OF_GOODS]->(g:HSCode) WHERE g.chpl_tier IS NOT NULL }
                THEN 1 END) AS chpl_shipments
RETURN company.id AS entity_id,
       company.name AS name,
       company.country AS country,
       company.activity_code AS activity_code,
       shipments,
       value_usd,
       hs6s,
       chpl_shipments
ORDER BY value_usd DESC, entity_id
LIMIT $limit
