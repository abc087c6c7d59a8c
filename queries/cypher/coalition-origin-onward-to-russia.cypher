// name: coalition-origin-onward-to-russia
// title: Coalition-origin goods shipped on to Russia from transit countries
// description: Shipments from a company in a transit country to Russia or Belarus of goods
//   whose declared country of origin is in the sanctions coalition (the US and the partner
//   countries of its Russia export controls, EAR 15 CFR part 746 supplement no. 3: the EU
//   27, AU, CA, CH, GB, IS, JP, KR, LI, NO, NZ, TW; queries/reference.py COALITION). Such
//   re-exports break the origin country's controls and, where the transit country has a
//   re-export rule of its own (Kazakhstan for EU, US and UK goods), that rule too. A
//   shipment counts from its exporter country's rule date (`rule_dates`), else from `since`.
//   The default rule dates and their sources: KZ 2023-04-01, goods imported into Kazakhstan
//   for re-export are tracked to their destination (European Business Association of
//   Kazakhstan, eurobak.kz, March 2023); TR 2023-03-01, Türkiye stopped the transit to
//   Russia of goods under EU, US or UK sanctions and export controls (Istanbul exporters'
//   association chairman, quoted by Euractiv, 20 March 2023). Other transit countries have
//   no sourced rule date and count from `since`; `rule_dates=""` applies `since` to all.
// param: rule_dates list[str] KZ:2023-04-01,TR:2023-03-01 Transit countries' own rule dates,
//   COUNTRY:YYYY-MM-DD
// param: since date 2022-02-24 Shipments from countries without a rule date count from this
//   day
// param: coalition list[str] AT,AU,BE,BG,CA,CH,CY,CZ,DE,DK,EE,ES,FI,FR,GB,GR,HR,HU,IE,IS,IT,JP,KR,LI,LT,LU,LV,MT,NL,NO,NZ,PL,PT,RO,SE,SI,SK,TW,US
//   Countries of origin that count as coalition goods
// param: transit_countries list[str] AE,AM,AZ,GE,HK,KG,KZ,MN,RS,TJ,TM,TR,UZ Countries of the
//   exporters ("" for any country outside the destinations)
// param: destinations list[str] RU,BY Countries the goods went to
// param: limit int 500 Most rows returned
// column: date Day of the shipment
// column: record_id record_id of the declaration in the source data
// column: origin_country Declared country of origin of the goods
// column: exporter_id Entity id of the company in the transit country
// column: exporter Its name
// column: exporter_country Its country
// column: importer_id Entity id of the buyer
// column: importer Its name
// column: importer_country Its country
// column: hs_code HS code as declared
// column: chpl_tier CHPL tier of the heading (null when not on the list)
// column: description Goods description
// column: quantity Number of units
// column: unit Unit of the quantity
// column: value_usd Declared value
// column: mirror_record_ids record_ids of the other declarations of the same shipment (list)
MATCH (exporter:Company)-[:EXPORTED]->(shipment:Shipment)-[:IMPORTED_BY]->(importer:Company)
WHERE importer.country IN $destinations
  AND NOT exporter.country IN $destinations
  AND (size($transit_countries) = 0 OR exporter.country IN $transit_countries)
  AND shipment.origin_country IN $coalition
  AND shipment.date >= coalesce(
        [rule IN $rule_dates WHERE split(rule, ':')[0] = exporter.country
         | date(split(rule, ':')[1])][0],
        $since)
  // a mirror declaration points at the kept one, which alone is listed
  AND NOT EXISTS { MATCH (shipment)-[:MIRROR_OF]->(:Shipment) }
OPTIONAL MATCH (shipment)-[:OF_GOODS]->(goods:HSCode)
RETURN shipment.date AS date,
       shipment.record_id AS record_id,
       shipment.origin_country AS origin_country,
       exporter.id AS exporter_id,
       exporter.name AS exporter,
       exporter.country AS exporter_country,
       importer.id AS importer_id,
       importer.name AS importer,
       importer.country AS importer_country,
       shipment.hs_code AS hs_code,
       goods.chpl_tier AS chpl_tier,
       shipment.description AS description,
       shipment.quantity AS quantity,
       shipment.unit AS unit,
       shipment.value_usd AS value_usd,
       [(shipment)-[:MIRROR_OF]-(twin:Shipment) | twin.record_id] AS mirror_record_ids
ORDER BY date, record_id
LIMIT $limit
