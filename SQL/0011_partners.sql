-- 0011: lookup services (issue 19, docs/partner-api.md): partners with credentials of their own,
-- the standing consents people grant them, and every read they make.
--
-- No phone number and no secret in clear: a partner's client secret is kept as its SHA-256 (the
-- secret is 32 random bytes, so a hash alone cannot be searched); consents and reads name the
-- phone by its key (HMAC-SHA-256 under the phone-key secret, which is not in the database). The
-- phone's rows here leave with its data: retention (PipelineStore.expire) and `purge` delete
-- them, and the service deletes reads older than the card window plus a day.

CREATE TABLE partners (
    client_id         text PRIMARY KEY,                 -- "ptn_" + 16 hex digits, printed by `partners add`
    name              text NOT NULL UNIQUE,             -- shown in the SMS and on the card page (某某健康码)
    secret_hash       bytea NOT NULL,                   -- SHA-256 of the client secret
    secret_changed_at bigint NOT NULL,                  -- tokens issued before it are refused (rotation)
    requests_per_second integer NOT NULL CHECK (requests_per_second > 0),
    reads_per_day     integer NOT NULL CHECK (reads_per_day > 0),
    scopes            text[] NOT NULL,                  -- relay, consent
    created_at        bigint NOT NULL,
    revoked_at        bigint NULL                       -- refused by every instance within seconds
);

-- A person's standing consent: the partner may read the card again without an SMS until expires_at.
CREATE TABLE partner_consents (
    client_id    text NOT NULL REFERENCES partners (client_id),
    phone_key    bytea NOT NULL,
    granted_at   bigint NOT NULL,
    expires_at   bigint NOT NULL,
    withdrawn_at bigint NULL,
    PRIMARY KEY (phone_key, client_id)
);
CREATE INDEX partner_consents_expires ON partner_consents (expires_at);

-- Every read a partner made (or tried), shown to the person on the card page.
CREATE TABLE partner_reads (
    id        bigserial PRIMARY KEY,
    client_id text NOT NULL REFERENCES partners (client_id),
    phone_key bytea NOT NULL,
    at        bigint NOT NULL,
    purpose   text NOT NULL CHECK (purpose IN ('relay', 'consent')),
    outcome   text NOT NULL                             -- card, invalid_code, no_consent, …
);
CREATE INDEX partner_reads_phone ON partner_reads (phone_key, at);
CREATE INDEX partner_reads_at ON partner_reads (at);
