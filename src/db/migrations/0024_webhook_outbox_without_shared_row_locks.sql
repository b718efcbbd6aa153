-- W3: an event and its deliveries are written in the statement of every change a business's
-- endpoints subscribe to (each redemption, with an endpoint for package.redeemed). Their foreign
-- keys to the business row and to the endpoint row made every such write take a KEY SHARE lock on
-- the same row as every other one of that business: under concurrent redemptions PostgreSQL records
-- the sharers as multixacts, a cost that grows with the load and lingers until vacuum. The ledger's
-- movements carry no such keys for the same reason (0001_core.sql). Integrity stays: the outbox CTE
-- (src/app/webhooks/outbox.ts) writes deliveries only for an endpoint it reads, deleting an endpoint
-- deletes its deliveries in the same transaction (src/app/webhooks/endpoints.ts), and the worker
-- posts only deliveries whose endpoint exists and is enabled.
ALTER TABLE webhook_events DROP CONSTRAINT webhook_events_business_id_fkey;
ALTER TABLE webhook_deliveries DROP CONSTRAINT webhook_deliveries_business_id_endpoint_id_fkey;
