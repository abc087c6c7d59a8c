// name: flows-companies-behind
// title: Companies behind a surge in trade statistics
// description: From aggregates to companies: for a heading whose exports to a transit country
//   surged in the trade statistics (tracegraph flows surges), the companies of that country
//   that received those goods in the record-level shipments since a day, where the goods came
//   from, where they went on to, the transshipment chain links found through them
//   (FORWARDED_AS, written by tracegraph chains), their front score and whether they are
//   listed. Largest arrivals first.
// param: hs_prefix str 8542 HS code prefix of the surging heading
// param: transit_country str KG ISO code of the transit country
// param: since date 2022-02-24 Shipments on or after this day
// param: limit int 200 Most rows returned
// column: entity_id Entity id of the company in the transit country
// column: name Its name
// column: country Its country
// column: arrivals Shipments of the heading it received since the day
// column: arrival_value_usd Their declared value
// column: first_arrival Day of the first of them
// column: last_arrival Day of the last of them
// column: supplier_countries Countries of their exporters (list)
// column: onward_shipments Shipments of the heading it sent on since the day
// column: onward_value_usd Their declared value
// column: onward_countries Countries of their buyers (list)
// column: chain_links Arrivals matched to an onward shipment of it (FORWARDED_AS)
// column: front_score Its front-company score (empty when not scored)
// column: listed Whether it is on a sanctions or control list
// column: record_ids record_ids of up to ten of the arrivals (list)
MATCH (supplier:Company)-[:EXPORTED]->(arrival:Shipment)-[:IMPORTED_BY]->(company:Company)
WHERE company.country = $transit_country
  AND arrival.hs_code STARTS WITH $hs_prefix
  AND arrival.date >= $since
  // a mirror declaration points at the kept one, which alone is counted
  AND NOT EXISTS { MATCH (arrival)-[:MIRROR_OF]->(:Shipment) }
WITH company,
     count(arrival) AS arrivals,
     sum(arrival.value_usd) AS arrival_value_usd,
     min(arrival.date) AS first_arrival,
     max(arrival.date) AS last_arrival,
     collect(DISTINCT supplier.country) AS supplier_countries,
     collect(arrival.record_id)[..10] AS record_ids
OPTIONAL MATCH (company)-[:EXPORTED]->(onward:Shipment)-[:IMPORTED_BY]->(buyer:Company)
WHERE onward.hs_code STARTS WITH $hs_prefix
  AND onward.date >= $since
  AND NOT EXISTS { MATCH (onward)-[:MIRROR_OF]->(:Shipment) }
WITH company, arrivals, arrival_value_usd, first_arrival, last_arrival, supplier_countries,
     record_ids,
     count(onward) AS onward_shipments,
     sum(onward.value_usd) AS onward_value_usd,
     collect(DISTINCT buyer.country) AS onward_countries
OPTIONAL MATCH (:Shipment)-[link:FORWARDED_AS]->(sent:Shipment)<-[:EXPORTED]-(company)
WHERE sent.hs_code STARTS WITH $hs_prefix
WITH company, arrivals, arrival_value_usd, first_arrival, last_arrival, supplier_countries,
     record_ids, onward_shipments, onward_value_usd, onward_countries,
     count(link) AS chain_links
RETURN company.id AS entity_id,
       company.name AS name,
       company.country AS country,
       arrivals,
       arrival_value_usd,
       first_arrival,
       last_arrival,
       supplier_countries,
       onward_shipments,
       onward_value_usd,
       onward_countries,
       chain_links,
       company.front_score AS front_score,
       company:Listed AS listed,
       record_ids
ORDER BY arrival_value_usd DESC, entity_id
LIMIT $limit
