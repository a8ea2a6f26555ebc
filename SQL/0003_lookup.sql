-- 0003: the lookup service's own state (docs/http-api.md): one-time codes, access tokens, rate
-- counters and the SMS outbox. All times are Unix seconds (bigint) from the service's clock.
-- Phone numbers appear only as keys (HMAC-SHA-256 of the normalised number under a secret
-- kept outside the database), except sms_outbox.phone_clear, which holds the destination
-- only until the message is sent or given up and is then set to NULL.

-- One pending code per phone; a new send replaces it. Only a keyed hash of the code is kept.
CREATE TABLE otp_codes (
    phone_key     bytea PRIMARY KEY,
    code_hash     bytea NOT NULL,               -- HMAC-SHA-256(server secret, "otp" || phone_key || code)
    issued_at     bigint NOT NULL,
    expires_at    bigint NOT NULL,
    wrong_attempts integer NOT NULL DEFAULT 0 CHECK (wrong_attempts >= 0)
);
CREATE INDEX otp_codes_expires ON otp_codes (expires_at);

-- Every code sent, for the per-phone limits (one per 60 s, 10 per rolling 24 h).
CREATE TABLE otp_sends (
    phone_key bytea NOT NULL,
    sent_at   bigint NOT NULL
);
CREATE INDEX otp_sends_phone ON otp_sends (phone_key, sent_at);
CREATE INDEX otp_sends_time ON otp_sends (sent_at);

-- Bearer tokens that let a client see its card again without a new code.
CREATE TABLE lookup_tokens (
    token_hash   bytea PRIMARY KEY,             -- HMAC-SHA-256(server secret, "token" || token)
    phone_key    bytea NOT NULL,
    client       text NOT NULL,                 -- the client address the token is bound to
    phone_sealed bytea NOT NULL,                -- the number sealed under a key derived from the token itself
    issued_at    bigint NOT NULL,
    expires_at   bigint NOT NULL
);
CREATE INDEX lookup_tokens_expires ON lookup_tokens (expires_at);

-- Fixed-window counters: per client address (code requests, verifications) and per phone (SMS replies).
CREATE TABLE rate_counters (
    scope        text NOT NULL,
    subject      text NOT NULL,
    window_start bigint NOT NULL,
    hits         integer NOT NULL,
    PRIMARY KEY (scope, subject, window_start)
);
CREATE INDEX rate_counters_window ON rate_counters (window_start);

-- Messages to send; drained by the service's background sender.
CREATE TABLE sms_outbox (
    id              bigserial PRIMARY KEY,
    phone_clear     text NULL,                  -- destination; NULL once sent or failed
    phone_masked    text NOT NULL,              -- 138****8000, for operators
    kind            text NOT NULL CHECK (kind IN ('otp', 'reply')),
    body            text NULL,                  -- an OTP body (it holds the code) is cleared once sent
    status          text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'sent', 'failed')),
    attempts        integer NOT NULL DEFAULT 0,
    next_attempt_at bigint NOT NULL,
    last_error      text NULL,
    created_at      bigint NOT NULL,
    sent_at         bigint NULL,
    CHECK (status = 'pending' OR phone_clear IS NULL)
);
CREATE INDEX sms_outbox_due ON sms_outbox (next_attempt_at, id) WHERE status = 'pending';
