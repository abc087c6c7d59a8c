// name: dormant-then-active
// title: Dormant, then active
// description: Companies that traded nothing for a long time (or since they were
//   incorporated) and then started trading after the cut-off day, with shipments to Russia or
//   Belarus. Shelf companies brought back to life are a common alternative to new fronts.
// param: min_gap_days int 1095 Fewest days without any shipment before trade resumed
// param: since date 2022-02-24 Trade must resume on or after this day
// param: from_incorporation bool true Count the time from incorporation to the first shipment
//   as dormancy (turn off when the trade data start long after most companies were founded)
// param: destinations list[str] RU,BY Countries whose buyers count for shipments_to_destinations
// param: min_shipments_to_destinations int 1 Fewest shipments to the destinations after the
//   gap (0 for any company that woke up)
// param: limit int 200 Most rows returned
// column: entity_id Entity id of the company
// column: name Its name
// column: country Its country
// column: incorporation_date Day it was incorporated
// column: dormant_since Its last shipment before the gap (its incorporation when it had none)
// column: resumed_on Its first shipment after the gap
// column: gap_days Days between the two
// column: shipments_before Shipments before the gap
// column: shipments_after Shipments after the gap
// column: value_after_usd Declared value of the shipments after the gap
// column: shipments_to_destinations Shipments after the gap to the destination countries
MATCH (company:Company)-[:EXPORTED|IMPORTED_BY]-(shipment:Shipment)
// a mirror declaration points at the kept one, which alone is counted
WHERE NOT EXISTS { MATCH (shipment)-[:MIRROR_OF]->(:Shipment) }
OPTIONAL MATCH (company)-[:EXPORTED]->(shipment)-[:IMPORTED_BY]->(buyer:Company)
WITH company, shipment, coalesce(buyer.country IN $destinations, false) AS to_destination
ORDER BY shipment.date, shipment.id
WITH company,
     collect({date: shipment.date, value_usd: shipment.value_usd, to_destination: to_destination}) AS trades
WITH company, trades,
     CASE WHEN $from_incorporation AND company.incorporation_date IS NOT NULL
            AND company.incorporation_date <= trades[0].date
          THEN [company.incorporation_date] ELSE [] END AS start
WITH company, trades, size(start) AS offset, start + [t IN trades | t.date] AS dates
// the latest day trade resumed after a long enough gap
WITH company, trades, offset, dates,
     [k IN range(1, size(dates) - 1)
      WHERE dates[k] >= $since AND duration.inDays(dates[k - 1], dates[k]).days >= $min_gap_days] AS resumptions
WHERE size(resumptions) > 0
WITH company, dates, resumptions[-1] AS k, resumptions[-1] - offset AS shipments_before,
     trades[(resumptions[-1] - offset)..] AS after
WITH company, dates, k, shipments_before, after,
     size([t IN after WHERE t.to_destination]) AS shipments_to_destinations
WHERE shipments_to_destinations >= $min_shipments_to_destinations
RETURN company.id AS entity_id,
       company.name AS name,
       company.country AS country,
       company.incorporation_date AS incorporation_date,
       dates[k - 1] AS dormant_since,
       dates[k] AS resumed_on,
       duration.inDays(dates[k - 1], dates[k]).days AS gap_days,
       shipments_before,
       size(after) AS shipments_after,
       reduce(v = 0.0, t IN after | v + coalesce(t.value_usd, 0.0)) AS value_after_usd,
       shipments_to_destinations
ORDER BY gap_days DESC, entity_id
LIMIT $limit
