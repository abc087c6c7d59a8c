// name: trade-between
// title: Trade between two companies
// description: Every shipment between two companies, in both directions, with the record ids
//   that prove it and the other declarations of the same shipment.
// param: company_a str "" Entity id or full name (any case) of one company
// param: company_b str "" Entity id or full name (any case) of the other company
// param: limit int 500 Most rows returned
// column: date Day of the shipment
// column: record_id record_id of the declaration in the source data
// column: exporter_id Entity id of the exporter
// column: exporter Its name
// column: exporter_country Its country
// column: importer_id Entity id of the importer
// column: importer Its name
// column: importer_country Its country
// column: hs_code HS code as declared
// column: description Goods description
// column: quantity Number of units
// column: unit Unit of the quantity
// column: net_weight_kg Net weight
// column: value_usd Declared value
// column: origin_country Country of origin of the goods
// column: reporter Whose customs recorded it
// column: mirror_record_ids record_ids of the other declarations of the same shipment (list)
MATCH (a:Company)
WHERE a.id = $company_a OR toLower(a.name) = toLower($company_a)
MATCH (b:Company)
WHERE b.id = $company_b OR toLower(b.name) = toLower($company_b)
UNWIND [[a, b], [b, a]] AS pair
WITH DISTINCT pair[0] AS exporter, pair[1] AS importer
WHERE exporter <> importer
MATCH (exporter)-[:EXPORTED]->(shipment:Shipment)-[:IMPORTED_BY]->(importer)
RETURN shipment.date AS date,
       shipment.record_id AS record_id,
       exporter.id AS exporter_id,
       exporter.name AS exporter,
       exporter.country AS exporter_country,
       importer.id AS importer_id,
       importer.name AS importer,
       importer.country AS importer_country,
       shipment.hs_code AS hs_code,
       shipment.description AS description,
       shipment.quantity AS quantity,
       shipment.unit AS unit,
       shipment.net_weight_kg AS net_weight_kg,
       shipment.value_usd AS value_usd,
       shipment.origin_country AS origin_country,
       shipment.reporter AS reporter,
       [(shipment)-[:MIRROR_OF]-(twin:Shipment) | twin.record_id] AS mirror_record_ids
ORDER BY date, record_id
LIMIT $limit
