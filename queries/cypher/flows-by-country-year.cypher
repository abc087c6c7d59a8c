// name: flows-by-country-year
// title: Flows by country and year
// description: Declared trade value per route (country of origin > exporter's country >
//   importer's country), goods group and year, with growth on the year before: the figures
//   behind "exports of chips from X to Kyrgyzstan rose tenfold". A shipment declared on both
//   sides of a border counts once.
// param: hs_digits int 2 Length of the HS prefix that makes a goods group (2 = chapter,
//   4 = heading, 6 = subheading)
// param: hs_prefix str "" Only goods whose HS6 starts with this ("" for all)
// param: origin_countries list[str] "" Only goods made in these countries ("" for all)
// param: exporter_countries list[str] "" Only shipments from these countries ("" for all)
// param: importer_countries list[str] "" Only shipments to these countries ("" for all)
// param: limit int 1000 Most rows returned
// column: origin_country Where the goods were made (the exporter's country when not declared)
// column: exporter_country Country of the exporter
// column: importer_country Country of the importer
// column: route origin > exporter > importer countries, '>'-separated (origin left out when it
//   is the exporter's country)
// column: hs_group The first hs_digits digits of the HS6
// column: year Calendar year of the shipments
// column: value_usd Declared value in that year
// column: shipments Number of shipments in that year
// column: previous_year_value_usd Declared value in the year before (null when none)
// column: yoy_growth_pct Growth on the year before, in percent (null when there was none)
MATCH (exporter:Company)-[:EXPORTED]->(shipment:Shipment)-[:IMPORTED_BY]->(importer:Company)
WHERE shipment.hs6 STARTS WITH $hs_prefix
  AND (size($exporter_countries) = 0 OR exporter.country IN $exporter_countries)
  AND (size($importer_countries) = 0 OR importer.country IN $importer_countries)
  // a mirror declaration points at the kept one, which alone is counted
  AND NOT EXISTS { MATCH (shipment)-[:MIRROR_OF]->(:Shipment) }
WITH coalesce(shipment.origin_country, exporter.country) AS origin_country,
     exporter.country AS exporter_country,
     importer.country AS importer_country,
     substring(shipment.hs6, 0, $hs_digits) AS hs_group,
     shipment.date.year AS year,
     shipment
WHERE size($origin_countries) = 0 OR origin_country IN $origin_countries
WITH origin_country, exporter_country, importer_country, hs_group, year,
     sum(shipment.value_usd) AS value_usd,
     count(shipment) AS shipments
ORDER BY year
WITH origin_country, exporter_country, importer_country, hs_group,
     collect({year: year, value_usd: value_usd, shipments: shipments}) AS years
UNWIND years AS this_year
WITH origin_country, exporter_country, importer_country, hs_group, this_year,
     head([y IN years WHERE y.year = this_year.year - 1 | y.value_usd]) AS previous
RETURN origin_country,
       exporter_country,
       importer_country,
       CASE WHEN origin_country = exporter_country
            THEN exporter_country + '>' + importer_country
            ELSE origin_country + '>' + exporter_country + '>' + importer_country END AS route,
       hs_group,
       this_year.year AS year,
       this_year.value_usd AS value_usd,
       this_year.shipments AS shipments,
       previous AS previous_year_value_usd,
       CASE WHEN previous > 0 THEN round(100.0 * (this_year.value_usd - previous) / previous, 1) END AS yoy_growth_pct
ORDER BY route, hs_group, year
LIMIT $limit
