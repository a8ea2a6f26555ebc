-- Reference data: places, countries, cells, risk areas and close contacts.
-- Every load is kept (history); `current_reference` names the load in force per kind, and a
-- new load replaces the previous one atomically by switching that pointer in its transaction.

CREATE TABLE reference_loads (
    id          bigserial PRIMARY KEY,
    kind        text        NOT NULL CHECK (kind IN ('places', 'countries', 'cells', 'risk', 'contacts')),
    source      text        NOT NULL,
    row_count   integer     NOT NULL,
    loaded_at   timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE current_reference (
    kind    text   PRIMARY KEY,
    load_id bigint NOT NULL REFERENCES reference_loads (id)
);

-- Chinese administrative divisions and the card city each belongs to.
CREATE TABLE places (
    load_id  bigint  NOT NULL REFERENCES reference_loads (id) ON DELETE CASCADE,
    adcode   integer NOT NULL,
    name     text    NOT NULL,
    level    text    NOT NULL,
    province integer NOT NULL,
    city     integer,
    PRIMARY KEY (load_id, adcode)
);

-- Mobile country codes (ITU E.212) of countries and regions outside the mainland.
CREATE TABLE countries (
    load_id bigint  NOT NULL REFERENCES reference_loads (id) ON DELETE CASCADE,
    mcc     integer NOT NULL,
    code    text    NOT NULL,
    name_zh text    NOT NULL,
    name_en text    NOT NULL,
    PRIMARY KEY (load_id, mcc)
);

CREATE TABLE cells (
    load_id bigint   NOT NULL REFERENCES reference_loads (id) ON DELETE CASCADE,
    mcc     smallint NOT NULL,
    mnc     smallint NOT NULL,
    lac     integer  NOT NULL,
    cell_id bigint   NOT NULL,
    adcode  integer  NOT NULL,
    PRIMARY KEY (load_id, mcc, mnc, lac, cell_id)
);

CREATE TABLE risk_areas (
    load_id  bigint      NOT NULL REFERENCES reference_loads (id) ON DELETE CASCADE,
    adcode   integer     NOT NULL,
    city     integer     NOT NULL,
    name     text        NOT NULL,
    level    text        NOT NULL CHECK (level IN ('medium', 'high')),
    start_at timestamptz NOT NULL,
    end_at   timestamptz
);
CREATE INDEX risk_areas_load ON risk_areas (load_id);

-- Close contacts, keyed like every phone by the HMAC of the number, never the number.
CREATE TABLE contacts (
    load_id   bigint      NOT NULL REFERENCES reference_loads (id) ON DELETE CASCADE,
    phone_key bytea       NOT NULL,
    start_at  timestamptz NOT NULL,
    end_at    timestamptz
);
CREATE INDEX contacts_load_phone ON contacts (load_id, phone_key);
