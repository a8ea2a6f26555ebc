-- 0007: the rule settings belong to the store (issue 17). The engine state, the watermark and
-- retention were built with one window W, minimum dwell D, bridge B and lateness L; a command
-- run with others would mix two rule sets in one phone's state. The first command that writes
-- phone data records them here; every later command uses them, and one asked to use others is
-- refused (docs/rules.md).
CREATE TABLE rule_settings (
    singleton         boolean     PRIMARY KEY DEFAULT true CHECK (singleton),
    window_seconds    bigint      NOT NULL CHECK (window_seconds > 0),
    min_dwell_seconds bigint      NOT NULL CHECK (min_dwell_seconds >= 0),
    bridge_seconds    bigint      NOT NULL CHECK (bridge_seconds >= 0),
    lateness_seconds  bigint      NOT NULL CHECK (lateness_seconds >= 0),
    recorded_at       timestamptz NOT NULL DEFAULT now()
);
