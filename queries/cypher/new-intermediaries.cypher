// name: new-intermediaries
// title: New intermediaries
// description: Companies outside Russia and Belarus that ship goods there and are new to the
//   trade: incorporated on or after the cut-off day, or trading since the cut-off within a
//   few months of incorporation. Freshly created traders are the classic front companies of
//   sanctions evasion.
// param: since date 2022-02-24 Cut-off day (the full-scale invasion by default)
// param: max_days_to_first_trade int 365 Or: first trade on or after the cut-off and within
//   this many days of incorporation
// param: destinations list[str] RU,BY Countries the company exports to
// param: transit_countries list[str] "" Only companies of these countries ("" for any country
//   outside the destinations)
// param: limit int 200 Most rows returned
// column: entity_id Entity id of the company
// column: name Its name
// column: country Its country
// column: registration_number Its registration number
// column: incorporation_date Day it was incorporated
// column: first_trade_date Day of its first shipment in or out
// column: days_to_first_trade Days from incorporation to first shipment
// column: shipments_to_destinations Shipments it sent to the destination countries
// column: value_to_destinations_usd Their declared value
// column: buyers Names of its buyers in the destination countries (list)
MATCH (company:Company)-[:EXPORTED]->(shipment:Shipment)-[:IMPORTED_BY]->(buyer:Company)
WHERE buyer.country IN $destinations
  AND NOT company.country IN $destinations
  AND (size($transit_countries) = 0 OR company.country IN $transit_countries)
  AND company.incorporation_date IS NOT NULL
  // a mirror declaration points at the kept one, which alone is counted
  AND NOT EXISTS { MATCH (shipment)-[:MIRROR_OF]->(:Shipment) }
WITH company,
     count(shipment) AS shipments_to_destinations,
     sum(shipment.value_usd) AS value_to_destinations_usd,
     collect(DISTINCT buyer.name) AS buyers
MATCH (company)-[:EXPORTED|IMPORTED_BY]-(traded:Shipment)
WITH company, shipments_to_destinations, value_to_destinations_usd, buyers,
     min(traded.date) AS first_trade_date
WITH company, shipments_to_destinations, value_to_destinations_usd, buyers, first_trade_date,
     duration.inDays(company.incorporation_date, first_trade_date).days AS days_to_first_trade
WHERE company.incorporation_date >= $since
   OR (first_trade_date >= $since AND days_to_first_trade <= $max_days_to_first_trade)
RETURN company.id AS entity_id,
       company.name AS name,
       company.country AS country,
       company.registration_number AS registration_number,
       company.incorporation_date AS incorporation_date,
       first_trade_date,
       days_to_first_trade,
       shipments_to_destinations,
       value_to_destinations_usd,
       buyers
ORDER BY value_to_destinations_usd DESC, entity_id
LIMIT $limit
