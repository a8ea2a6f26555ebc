-- 0005: the lookup service under faults and hostile input (issue 9).
--
-- The outbox no longer holds a destination or a text in clear, even for a moment: both are
-- sealed together (ChaCha20-Poly1305) under <state>/outbox.key, a key that is never in the
-- database, and only the sender opens them. So neither the heap files nor the WAL ever see a
-- clear number or a code.
--
-- Sending is at most once: a message is marked 'sending' (committed) before the gateway gets
-- it. One found still 'sending' after the sender's lease (the process stopped, or lost the
-- database, between hand-off and record) may have been delivered: it becomes 'unknown' and is
-- never handed over again.

-- Messages queued in clear by an older version cannot be sealed here (the key is not in the
-- database): they are given up, their clear columns dropped below.
UPDATE sms_outbox SET status = 'failed', last_error = 'queued before the outbox was sealed; not sent'
WHERE status = 'pending';

ALTER TABLE sms_outbox
    DROP CONSTRAINT sms_outbox_check,
    DROP CONSTRAINT sms_outbox_status_check,
    DROP COLUMN phone_clear,
    DROP COLUMN body,
    ADD COLUMN sealed bytea NULL,               -- nonce || ciphertext || tag of "<11 digits>\n<text>"; NULL once done
    ADD COLUMN sending_at bigint NULL,          -- when it was handed to the gateway
    ADD CONSTRAINT sms_outbox_status_check
        CHECK (status IN ('pending', 'sending', 'sent', 'failed', 'unknown')),
    ADD CONSTRAINT sms_outbox_sealed_check
        CHECK (status IN ('pending', 'sending') OR sealed IS NULL);

CREATE INDEX sms_outbox_sending ON sms_outbox (sending_at) WHERE status = 'sending';

-- Nonces of signed inbound SMS callbacks, shared by every instance: a callback whose nonce is
-- here is a replay. Kept a little longer than the accepted clock skew, then purged.
CREATE TABLE sms_inbound_nonces (
    nonce      text PRIMARY KEY,
    expires_at bigint NOT NULL
);
CREATE INDEX sms_inbound_nonces_expires ON sms_inbound_nonces (expires_at);
