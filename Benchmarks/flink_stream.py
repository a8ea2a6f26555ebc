"""The streaming peer of `itinerary stream` (issue #20): the same cards, in Flink, updated as files arrive.

stream_bench.py --peer flink runs this in Benchmarks/.venv (PyFlink, apache-flink from PyPI) as a
process of its own, the job's sink on its standard output:

    flink_stream.py --input DIR --headers '{"cmcc": ["msisdn", "event_time", ...], ...}' --cells CELLS.csv \
                    --parallelism 2 --lateness 86400 --window 1209600

The job (Flink's DataStream and Table APIs, streaming mode, a local mini-cluster):

- **Source**: one Flink filesystem table per carrier over DIR/<carrier>/, read by Flink's file
  source with continuous monitoring (`source.monitor-interval`): every new file is read once, line
  by line, with its name (the `file.path` metadata column). Flink's file source has no zstd
  codec, so stream_bench.py's relay decompresses each file arriving in the drop directory into
  DIR/<carrier>/ (under a hidden name, then renamed: the source skips names starting with '.'),
  in delivery order and at most a few files ahead of the cards out (the source reads a backlog
  out of order); its time is in the lag, which starts at the `.zst`'s arrival in the drop
  directory.
- **Event time**: each table's rowtime is the line's event time, with the watermark
  `event time - L` (bounded out-of-orderness = lateness L, as docs/feed-format.md's watermark).
- **SQL** (flink_cards.sql's field checks, in the JVM): the line split at commas by its carrier's
  header, a line with the wrong number of fields or a field failing its check dropped, and a
  record more than an hour after its file's name time too (the watermark guard: only the
  rowtime of a valid record can move the watermark); the rows go to the DataStream API
  (rowtime and watermarks with them).
- **Keyed state**: keyed by phone, a KeyedProcessFunction (Python) drops a record older than
  the current watermark (`late`, as the project), maps its cell or MCC to a place (cells.csv,
  divisions.csv, countries.csv, as flink_cards.sql's joins), adds the observation to the phone's
  set (duplicates are one observation), rebuilds the phone's visits and emits its updated card
  at T = the newest event time the task has accepted (the project's data time). Each accepted
  record emits one line, `FILE<TAB>PHONE<TAB>CARD-JSON`, on the print sink (a late record `FILE<TAB><TAB>late`): a
  file's records are all reflected when the last line naming it is out.

The phone state lives in the operator's memory (the job runs without checkpoints, so a failure
loses it: `itinerary stream` commits every batch to PostgreSQL). State is not expired: a replay
of W + L or longer would need event-time timers to drop old observations (not needed for the
benchmark's two-day feed).
"""
import argparse
import bisect
import csv
import json
import os
import sys
import time
from datetime import datetime, timezone

HERE = os.path.dirname(os.path.abspath(__file__))
RESOURCES = os.path.join(os.path.dirname(HERE), "Sources", "ItineraryFeed", "Resources")
CARRIERS = ["cmcc", "cucc", "ctcc", "cbn"]
COLUMNS = ["msisdn", "event_time", "mcc", "mnc", "lac", "cell_id", "event"]
REGIONS = ("HK", "MO", "TW")


def iso(seconds):
    return datetime.fromtimestamp(seconds, timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def card(observations, T, window, dwell, bridge):
    """The card of one phone at T from its observations [(t, code)] in (t, code) order (docs/rules.md)."""
    open_chains = {}  # code -> [first, last, index of last]
    listed = {}  # code -> [first_seen, last_seen]

    def close(code, chain):
        first, last = chain[0], chain[1]
        if (len(code) == 2 or last - first >= dwell) and last >= T - window and first <= T:
            seen = listed.get(code)
            if seen is None:
                listed[code] = [first, last]
            else:
                seen[0], seen[1] = min(seen[0], first), max(seen[1], last)

    for index, (t, code) in enumerate(observations):
        if t > T:
            break
        chain = open_chains.get(code)
        if chain is not None and (chain[2] == index - 1 or t - chain[1] <= bridge):
            chain[1], chain[2] = t, index
        else:
            if chain is not None:
                close(code, chain)
            open_chains[code] = [t, t, index]
    for code, chain in open_chains.items():
        close(code, chain)
    places = [{"code": code, "kind": "city" if len(code) == 6 else "region" if code in REGIONS else "country",
               "starred": False, "exposure": None, "first_seen": iso(first), "last_seen": iso(last)}
              for code, (first, last) in sorted(listed.items(), key=lambda item: (item[1][0], item[0]))]
    return {"color": "yellow" if any(len(p["code"]) == 2 for p in places) else "green", "places": places}


def places_of(cells_path):
    """{(mnc, lac, cell_id): city} for MCC 460 and {mcc: iso2} abroad, as flink_cards.sql's joins."""
    with open(os.path.join(RESOURCES, "divisions.csv"), encoding="utf-8") as handle:
        city = {int(row["adcode"]): row["city"] for row in csv.DictReader(handle) if row["city"]}
    cells = {}
    with open(cells_path, encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            try:
                if int(row["mcc"]) == 460 and int(row["adcode"]) in city:
                    cells[(int(row["mnc"]), int(row["lac"]), int(row["cell_id"]))] = city[int(row["adcode"])]
            except ValueError:
                pass
    with open(os.path.join(RESOURCES, "countries.csv"), encoding="utf-8") as handle:
        countries = {row["mcc"]: row["iso2"] for row in csv.DictReader(handle) if row["mcc"] != "460"}
    return cells, countries


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--input", required=True, help="directory with one subdirectory per carrier (the relay's output)")
    parser.add_argument("--headers", required=True, help="a JSON object {carrier: [column names]}")
    parser.add_argument("--cells", required=True)
    parser.add_argument("--parallelism", type=int, default=2)
    parser.add_argument("--lateness", type=int, default=86_400)
    parser.add_argument("--window", type=int, default=14 * 86_400)
    parser.add_argument("--dwell", type=int, default=4 * 3600)
    parser.add_argument("--bridge", type=int, default=1800)
    parser.add_argument("--monitor-ms", type=int, default=100, help="the file source's directory listing interval")
    parser.add_argument("--bundle-ms", type=int, default=50, help="Python bundle time (python.fn-execution.bundle.time)")
    parser.add_argument("--heap", default="2g")
    args = parser.parse_args()

    from pyflink.common import Configuration, Row, Types
    from pyflink.datastream import StreamExecutionEnvironment
    from pyflink.datastream.functions import KeyedProcessFunction
    from pyflink.table import StreamTableEnvironment

    configuration = Configuration()
    configuration.set_string("taskmanager.memory.process.size", args.heap)
    configuration.set_string("python.executable", sys.executable)
    configuration.set_string("python.client.executable", sys.executable)
    # The Python operator hands its output back to the JVM at the end of a bundle: the bundle
    # time bounds the delay that adds to the lag (Flink's default is 1000 ms).
    configuration.set_string("python.fn-execution.bundle.time", str(args.bundle_ms))
    configuration.set_string("python.fn-execution.bundle.size", "100000")
    configuration.set_string("pipeline.auto-watermark-interval", "50ms")
    environment = StreamExecutionEnvironment.get_execution_environment(configuration)
    environment.set_parallelism(args.parallelism)
    tables = StreamTableEnvironment.create(environment)
    tables.get_config().set("table.local-time-zone", "UTC")

    headers = json.loads(args.headers)
    days, rest = divmod(args.lateness, 86_400)
    interval = f"{days} {rest // 3600:02d}:{rest % 3600 // 60:02d}:{rest % 60:02d}"  # L, up to 99 days
    selects = []
    for carrier, names in headers.items():
        index = {name: names.index(name) for name in COLUMNS}
        field = {name: f"SPLIT_INDEX(line, ',', {index[name]})" for name in COLUMNS}
        t = f"TRY_CAST({field['event_time']} AS BIGINT)"
        # Field checks as the project's reader does them (flink_cards.sql's view `valid`), and the
        # watermark guard (docs/feed-format.md): a record more than an hour after its file's name
        # time is rejected, and it never moves the watermark.
        named = "UNIX_TIMESTAMP(REGEXP_EXTRACT(path, '-([0-9]{14})-[0-9]+[.]csv$', 1), 'yyyyMMddHHmmss')"
        valid = f"""CHAR_LENGTH(line) - CHAR_LENGTH(REPLACE(line, ',', '')) = {len(names) - 1}
              AND REGEXP({field['msisdn']}, '^([+]?86)?1[3-9][0-9]{{9}}$')
              AND REGEXP({field['event_time']}, '^[0-9]{{1,10}}$') AND {t} <= 4294967295
              AND {t} <= UNIX_TIMESTAMP() + 600 AND {t} <= {named} + 3600
              AND REGEXP({field['mcc']}, '^[0-9]{{3}}$') AND REGEXP({field['mnc']}, '^[0-9]{{2,3}}$')
              AND REGEXP({field['lac']}, '^[0-9]{{1,8}}$') AND TRY_CAST({field['lac']} AS BIGINT) <= 16777215
              AND REGEXP({field['cell_id']}, '^[0-9]{{1,11}}$') AND TRY_CAST({field['cell_id']} AS BIGINT) <= 68719476735
              AND {field['event']} IN ('attach', 'detach', 'lu', 'ho', 'call', 'sms', 'data')"""
        # Each line as one field (a separator that never occurs, no quoting), as peers.py's batch
        # peer; the rowtime is a valid line's event time (0 otherwise), the watermark L behind the newest.
        tables.execute_sql(f"""
            CREATE TEMPORARY TABLE lines_{carrier} (
                line STRING,
                path STRING METADATA FROM 'file.path' VIRTUAL,
                ts AS TO_TIMESTAMP_LTZ(IF({valid}, {t}, 0), 0),
                WATERMARK FOR ts AS ts - INTERVAL '{interval}' DAY TO SECOND
            ) WITH ('connector' = 'filesystem', 'path' = 'file://{os.path.join(args.input, carrier)}',
                    'format' = 'csv', 'csv.field-delimiter' = '\x1f', 'csv.disable-quote-character' = 'true',
                    'csv.ignore-parse-errors' = 'true', 'source.monitor-interval' = '{args.monitor_ms} ms')""")
        selects.append(f"""
            SELECT path, REGEXP_EXTRACT({field['msisdn']}, '^(?:[+]?86)?(1[3-9][0-9]{{9}})$', 1) AS phone,
                   {t} AS t, {field['mcc']} AS mcc, TRY_CAST({field['mnc']} AS INT) AS mnc,
                   TRY_CAST({field['lac']} AS BIGINT) AS lac, TRY_CAST({field['cell_id']} AS BIGINT) AS cell, ts
            FROM lines_{carrier} WHERE {valid}""")
    records = tables.to_data_stream(tables.sql_query(" UNION ALL ".join(selects)))

    cells_path = args.cells
    window, dwell, bridge = args.window, args.dwell, args.bridge

    class Cards(KeyedProcessFunction):
        def open(self, runtime_context):
            self.cells, self.countries = places_of(cells_path)
            self.phones = {}  # phone -> ([(t, code)] in order, {(t, code)})
            self.newest = 0

        def process_element(self, row, ctx):
            t = row.t
            if t * 1000 < ctx.timer_service().current_watermark():
                # Late: older than the watermark (newest event time - L). Not applied, but said
                # (a line with no phone), as the project keeps a late record as a reject.
                yield f"{os.path.basename(row.path)}\t\tlate"
                return
            code = (self.cells.get((row.mnc, row.lac, row.cell)) if row.mcc == "460"
                    else self.countries.get(row.mcc))
            if code is None:
                return  # an unknown cell or MCC: no observation
            state = self.phones.get(row.phone)
            if state is None:
                state = self.phones[row.phone] = ([], set())
            observation = (t, code)
            if observation not in state[1]:
                state[1].add(observation)
                bisect.insort(state[0], observation)
            # The card at the data time: the newest event time this task has accepted (the
            # project's stored cards are at the store's newest accepted time).
            if t > self.newest:
                self.newest = t
            T = self.newest
            yield f"{os.path.basename(row.path)}\t{row.phone}\t{json.dumps(card(state[0], T, window, dwell, bridge), ensure_ascii=False)}"

    (records.key_by(lambda row: row.phone, key_type=Types.STRING())
     .process(Cards(), output_type=Types.STRING())
     .print())
    client = environment.execute_async("itinerary-stream-peer")
    print(f"flink job {client.get_job_id()} submitted", file=sys.stderr, flush=True)
    while True:
        status = str(client.get_job_status().result())
        if "RUNNING" in status:
            print("flink job running", file=sys.stderr, flush=True)
            break
        time.sleep(0.1)
    client.get_job_execution_result().result()


if __name__ == "__main__":
    main()
