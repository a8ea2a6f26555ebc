-- 0008: withdrawn attestation signing keys (issue 17).
--
-- `itinerary keys revoke KID` records a key here; every lookup service instance on this store
-- re-reads the table every few seconds, stops trusting the key (its attestations and card
-- codes verify as `revoked`), publishes the id in GET /v1/attestation/keys for venue
-- terminals, and stops signing with it if it is its own. A table rather than a file in one
-- state directory: instances on several hosts share the store, not a directory.
CREATE TABLE attestation_key_revocations (
    kid        text PRIMARY KEY,            -- AttestationKeyID: base64url of 8 bytes of SHA-256(public key)
    revoked_at bigint NOT NULL,             -- Unix seconds
    reason     text NOT NULL DEFAULT ''
);
