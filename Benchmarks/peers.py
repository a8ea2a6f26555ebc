"""The window benchmark's peers: the same cards as `itinerary cards`, computed by another engine.

Each peer reads the generated `.csv.zst` feed files and cells.csv of one data directory, applies
docs/rules.md (no risk areas, no contact list, T = end of data, W = the days generated) and
writes one JSON card per phone, in the project's format, to `out`. window_bench.py runs each peer
in a child process of its own (`--engine-worker NAME`) so that its whole process tree (a JVM
included) is measured, and compares the cards with the project's phone by phone.

- duckdb:  duckdb_cards.sql, read_csv over the compressed files.
- polars:  lazy frames; each file read by `pl.read_csv` (which decompresses zstd itself) as lines,
           split at commas, on a pool of THREADS threads; the rest one lazy query.
- spark:   spark_cards.sql, Spark SQL on `local[THREADS]`, each carrier's files read by the CSV
           source (Hadoop's zstd codec, by the `.zst` suffix).
- flink:   flink_cards.sql, a batch TableEnvironment with parallelism THREADS, one filesystem
           table per carrier over the files decompressed by `zstd -d` first (Flink's file source
           has no zstd codec), in the timed run; the JSON is shaped in Python from the rows Flink
           writes (Flink SQL has no ordered list aggregate).

Every worker prints one JSON line: startup_s (engine up: session or JVM), query_s (read, compute,
write the cards), ready_rss_kib (its process tree's RSS once the engine is up).
"""
import csv
import glob
import json
import os
import shutil
import subprocess
import time
from datetime import datetime, timezone

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
RESOURCES = os.path.join(ROOT, "Sources", "ItineraryFeed", "Resources")
START = 1_651_363_200  # FeedGenerator.Options.defaultStart, 2022-05-01T00:00:00Z
DAY = 86_400
CARRIERS = ["cmcc", "cucc", "ctcc", "cbn"]
COLUMNS = ["msisdn", "event_time", "mcc", "mnc", "lac", "cell_id", "event"]
EVENTS = ["attach", "detach", "lu", "ho", "call", "sms", "data"]
D, B = 4 * 3600, 1800
REGIONS = ("HK", "MO", "TW")

# pip package of each peer (the benchmark installs them into its own virtual environment).
PACKAGES = {"duckdb": "duckdb", "polars": "polars", "spark": "pyspark", "flink": "apache-flink"}
MODULES = {"duckdb": "duckdb", "polars": "polars", "spark": "pyspark", "flink": "pyflink"}
JVM = {"spark", "flink"}


def parameters(days):
    T = START + days * DAY
    return dict(T=T, W=days * DAY, D=D, B=B, now=T)


def carrier_files(directory):
    """{carrier: its feed files}, for the carriers that have any."""
    feeds = os.path.join(directory, "feeds")
    found = {carrier: sorted(glob.glob(os.path.join(feeds, f"{carrier}-*.csv.zst"))) for carrier in CARRIERS}
    return {carrier: files for carrier, files in found.items() if files}


def header(path):
    """The column names of a feed file (a carrier's files share a layout), as the project matches them."""
    line = subprocess.run(f"zstd -dcq '{path}' | head -n 1", shell=True, check=True, capture_output=True).stdout
    return [name.strip(" \t").lower() for name in line.decode().lstrip("\ufeff").rstrip("\r\n").split(",")]


def statements(name, days):
    """The statements of NAME_cards.sql with the parameters filled in (comments dropped)."""
    text = "\n".join(line for line in open(os.path.join(HERE, f"{name}_cards.sql"))
                     if not line.lstrip().startswith("--"))
    return [s.strip() for s in text.format(**parameters(days)).split(";") if s.strip()]


def iso(seconds):
    return datetime.fromtimestamp(seconds, timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def place(code, first_seen, last_seen):
    kind = "city" if len(code) == 6 else "region" if code in REGIONS else "country"
    return {"code": code, "kind": kind, "starred": False, "exposure": None,
            "first_seen": iso(first_seen), "last_seen": iso(last_seen)}


# --- DuckDB -------------------------------------------------------------------------------


def duckdb_cards(directory, days, out, threads, heap, ready):
    import duckdb
    connection = duckdb.connect()
    connection.execute(f"SET threads = {threads}")
    connection.execute("SET preserve_insertion_order = false")
    ready()
    text = "\n".join(line for line in open(os.path.join(HERE, "duckdb_cards.sql")) if not line.lstrip().startswith("--"))
    raw = " UNION ALL ".join(
        "SELECT msisdn, event_time, mcc, mnc, lac, cell_id, event FROM read_csv("
        f"'{os.path.join(directory, 'feeds')}/{carrier}-*.csv.zst', all_varchar = true, header = true, "
        "ignore_errors = true, quote = '', escape = '', compression = 'zstd')"
        for carrier in carrier_files(directory))
    connection.execute(text.format(raw=raw, cells=os.path.join(directory, "cells.csv"),
                                   divisions=os.path.join(RESOURCES, "divisions.csv"),
                                   countries=os.path.join(RESOURCES, "countries.csv"), out=out, **parameters(days)))


# --- Polars -------------------------------------------------------------------------------


def polars_cards(directory, days, out, threads, heap, ready):
    os.environ["POLARS_MAX_THREADS"] = str(threads)
    import polars as pl
    from concurrent.futures import ThreadPoolExecutor
    ready()
    p = parameters(days)
    col = pl.col

    def read(path):
        # Each line as one string (no quoting, a separator that never occurs), split at every comma:
        # fields are taken as they are, and a line with the wrong number of them is dropped
        # (docs/feed-format.md); the header names the columns.
        lines = pl.read_csv(path, has_header=False, separator="\x1f", quote_char=None, new_columns=["line"],
                            infer_schema=False)["line"].str.strip_suffix("\r")
        names = [name.strip(" \t").lower() for name in lines[0].lstrip("\ufeff").split(",")]
        fields = lines[1:].filter(lines[1:] != "").str.split(",").to_frame("fields")
        return (fields.filter(col("fields").list.len() == len(names))
                .select(col("fields").list.get(names.index(name)).alias(name) for name in COLUMNS))

    files = [path for paths in carrier_files(directory).values() for path in paths]
    with ThreadPoolExecutor(threads) as pool:
        raw = pl.concat(list(pool.map(read, files)), rechunk=False).lazy()

    text = dict(infer_schema=False)
    divisions = pl.scan_csv(os.path.join(RESOURCES, "divisions.csv"), **text)
    city_of_cell = (
        pl.scan_csv(os.path.join(directory, "cells.csv"), **text)
        .filter(col("mcc").cast(pl.Int32, strict=False) == 460)
        .with_columns(adcode=col("adcode").cast(pl.Int32, strict=False))
        .join(divisions.select(adcode=col("adcode").cast(pl.Int32, strict=False), code=col("city"))
              .filter(col("code").is_not_null() & (col("code") != "")), on="adcode")
        .select(mnc_n=col("mnc").cast(pl.Int32, strict=False), lac_n=col("lac").cast(pl.Int64, strict=False),
                cell_n=col("cell_id").cast(pl.Int64, strict=False), code=col("code")))
    country_of_mcc = (pl.scan_csv(os.path.join(RESOURCES, "countries.csv"), **text)
                      .filter(col("mcc") != "460").select("mcc", code=col("iso2")))

    def number(name, dtype=pl.Int64):
        return col(name).cast(dtype, strict=False)

    # Field checks as the project's reader does them (docs/feed-format.md); a bad line is dropped.
    valid = raw.filter(
        col("msisdn").str.contains(r"^(\+?86)?1[3-9][0-9]{9}$")
        & col("event_time").str.contains(r"^[0-9]{1,10}$") & (number("event_time") <= 4294967295)
        & (number("event_time") <= p["now"] + 600)
        & col("mcc").str.contains(r"^[0-9]{3}$")
        & col("mnc").str.contains(r"^[0-9]{2,3}$")
        & col("lac").str.contains(r"^[0-9]{1,8}$") & (number("lac") <= 16777215)
        & col("cell_id").str.contains(r"^[0-9]{1,11}$") & (number("cell_id") <= 68719476735)
        & col("event").is_in(EVENTS)
    ).select(phone=col("msisdn").str.extract(r"^(?:\+?86)?(1[3-9][0-9]{9})$", 1), t=number("event_time"),
             mcc=col("mcc"), mnc_n=number("mnc", pl.Int32), lac_n=number("lac"), cell_n=number("cell_id"))

    # Observations: (phone, t, place) as a set; unknown cells and MCCs are dropped.
    obs = pl.concat([
        valid.filter(col("mcc") == "460").join(city_of_cell, on=["mnc_n", "lac_n", "cell_n"]).select("phone", "t", "code"),
        valid.filter(col("mcc") != "460").join(country_of_mcc, on="mcc").select("phone", "t", "code"),
    ]).unique().collect().lazy()

    # Visits: g numbers the phone's observations by (t, code); in (phone, code, t) order a chain
    # breaks at a new (phone, code) or where the previous one is not adjacent and more than B back.
    same = (col("phone") == col("phone").shift()) & (col("code") == col("code").shift())
    visits = (
        obs.filter(col("t") <= p["T"]).sort("phone", "t", "code").with_row_index("g")
        .with_columns(col("g").cast(pl.Int64)).sort("phone", "code", "t")
        .with_columns(chain=(~same.fill_null(False)
                             | ((col("g") - col("g").shift() > 1) & (col("t") - col("t").shift() > p["B"])).fill_null(False))
                      .cum_sum())
        .group_by("chain").agg(col("phone").first(), col("code").first(), first=col("t").min(), last=col("t").max()))

    # The card: a city with dwell >= D, any place abroad, meeting [T - W, T].
    places = (visits.filter(((col("code").str.len_chars() == 2) | (col("last") - col("first") >= p["D"]))
                            & (col("last") >= p["T"] - p["W"]) & (col("first") <= p["T"]))
              .group_by("phone", "code").agg(first_seen=col("first").min(), last_seen=col("last").max()))

    def stamp(name):
        return pl.from_epoch(col(name), time_unit="s").dt.strftime("%Y-%m-%dT%H:%M:%SZ")

    kind = (pl.when(col("code").str.len_chars() == 6).then(pl.lit("city"))
            .when(col("code").is_in(REGIONS)).then(pl.lit("region")).otherwise(pl.lit("country")))
    # Every phone with an accepted observation has a card (visits use t <= T only).
    cards = (
        obs.select("phone").unique().join(places, on="phone", how="left")
        .sort("phone", "first_seen", "code", nulls_last=True)
        .group_by("phone", maintain_order=True)
        .agg(color=pl.when((col("code").str.len_chars() == 2).any()).then(pl.lit("yellow")).otherwise(pl.lit("green")),
             places=pl.struct(code=col("code"), kind=kind, starred=pl.lit(False), exposure=pl.lit(None, dtype=pl.String),
                              first_seen=stamp("first_seen"), last_seen=stamp("last_seen"))
             .filter(col("code").is_not_null())))
    cards.collect().write_ndjson(out)


# --- Spark --------------------------------------------------------------------------------


def spark_cards(directory, days, out, threads, heap, ready):
    from pyspark.sql import SparkSession
    spark = (SparkSession.builder.master(f"local[{threads}]").appName("itinerary-cards")
             .config("spark.driver.memory", heap)
             .config("spark.sql.shuffle.partitions", str(4 * threads))
             .config("spark.sql.session.timeZone", "UTC")
             .config("spark.ui.enabled", "false")
             # A line with the wrong number of fields is malformed whichever columns a query reads.
             .config("spark.sql.csv.parser.columnPruning.enabled", "false")
             .getOrCreate())
    spark.sparkContext.setLogLevel("ERROR")
    ready()
    from pyspark.sql.types import StringType, StructField, StructType
    frames = []
    for carrier, files in carrier_files(directory).items():
        # Columns named by the carrier's header, every one a string (no inference pass over the
        # files); no quoting; a line with the wrong number of fields is dropped.
        schema = StructType([StructField(name, StringType()) for name in header(files[0])])
        frame = (spark.read.schema(schema).option("header", True).option("quote", "").option("mode", "DROPMALFORMED")
                 .option("ignoreLeadingWhiteSpace", False).option("ignoreTrailingWhiteSpace", False)
                 # One glob, as DuckDB reads them: a list of paths this long is listed by a Spark job.
                 .csv(os.path.join(directory, "feeds", f"{carrier}-*.csv.zst")))
        frames.append(frame.select(*COLUMNS))
    raw = frames[0]
    for frame in frames[1:]:
        raw = raw.unionByName(frame)
    raw.createOrReplaceTempView("raw")
    for view, path in [("cells", os.path.join(directory, "cells.csv")), ("divisions", os.path.join(RESOURCES, "divisions.csv")),
                       ("countries", os.path.join(RESOURCES, "countries.csv"))]:
        spark.read.option("header", True).csv(path).createOrReplaceTempView(view)
    *setup, final = statements("spark", days)
    for statement in setup:
        spark.sql(statement)
    written = out + ".spark"
    spark.sql(final).write.mode("overwrite").text(written)
    with open(out, "wb") as sink:
        for part in sorted(glob.glob(os.path.join(written, "part-*"))):
            with open(part, "rb") as source:
                shutil.copyfileobj(source, sink)
    shutil.rmtree(written)
    spark.stop()


# --- Flink --------------------------------------------------------------------------------


def flink_cards(directory, days, out, threads, heap, ready):
    from pyflink.table import EnvironmentSettings, TableEnvironment
    environment = TableEnvironment.create(EnvironmentSettings.in_batch_mode())
    config = environment.get_config()
    config.set("parallelism.default", str(threads))
    config.set("table.exec.resource.default-parallelism", str(threads))
    # Equi-joins only here: without table statistics the planner picks nested-loop joins with the
    # records on the broadcast side (quadratic); hash or sort-merge joins it must be.
    config.set("table.exec.disabled-operators", "NestedLoopJoin")
    ready()

    def table(name, columns, path, options):
        schema = ", ".join(f"`{column}` STRING" for column in columns)
        environment.execute_sql(
            f"CREATE TEMPORARY TABLE {name} ({schema}) WITH ('connector' = 'filesystem', 'path' = 'file://{path}', "
            f"'format' = 'csv', {options})")

    # One directory per carrier (a filesystem table reads a directory, and a carrier's files share
    # a layout: its header names the columns; the header line itself fails the checks). Flink's
    # file source decompresses deflate, gzip, bzip2 and xz by suffix but not zstd, so the files are
    # first decompressed there by `zstd -d`, THREADS processes at once, inside the timed run.
    linked = out + ".flink-in"
    shutil.rmtree(linked, ignore_errors=True)
    selects, jobs = [], []
    for carrier, files in carrier_files(directory).items():
        target = os.path.join(linked, carrier)
        os.makedirs(target)
        for share in range(threads):
            jobs.append(subprocess.Popen(["zstd", "-dqf", "--output-dir-flat", target] + files[share::threads]))
        # Each line as one field (a separator that never occurs, no quoting), split at every comma:
        # fields are taken as they are, and a line with the wrong number of them is dropped.
        names = header(files[0])
        table(f"lines_{carrier}", ["line"], target,
              "'csv.field-delimiter' = '\x1f', 'csv.disable-quote-character' = 'true', 'csv.ignore-parse-errors' = 'true'")
        fields = ", ".join(f"SPLIT_INDEX(line, ',', {names.index(c)}) AS `{c}`" for c in COLUMNS)
        selects.append(f"SELECT {fields} FROM lines_{carrier} "
                       f"WHERE CHAR_LENGTH(line) - CHAR_LENGTH(REPLACE(line, ',', '')) = {len(names) - 1}")
    for job in jobs:
        if job.wait() != 0:
            raise SystemExit("zstd -d failed")
    environment.execute_sql(f"CREATE TEMPORARY VIEW feed AS {' UNION ALL '.join(selects)}")
    # Reference files: the header row is dropped by the casts and joins it fails.
    reference = os.path.join(linked, "reference")
    for name, path in [("cells", os.path.join(directory, "cells.csv")), ("divisions", os.path.join(RESOURCES, "divisions.csv")),
                       ("countries", os.path.join(RESOURCES, "countries.csv"))]:
        os.makedirs(os.path.join(reference, name))
        os.symlink(path, os.path.join(reference, name, os.path.basename(path)))
        with open(path, encoding="utf-8") as handle:
            columns = handle.readline().strip().split(",")
        table(name, columns, os.path.join(reference, name), "'csv.ignore-parse-errors' = 'true'")
    written = out + ".flink-out"
    shutil.rmtree(written, ignore_errors=True)
    environment.execute_sql(
        "CREATE TEMPORARY TABLE places_out (phone STRING, code STRING, first_seen BIGINT, last_seen BIGINT) "
        f"WITH ('connector' = 'filesystem', 'path' = 'file://{written}', 'format' = 'csv')")
    *setup, final = statements("flink", days)
    for statement in setup:
        environment.execute_sql(statement)
    environment.execute_sql(final).wait()

    cards = {}
    for part in glob.glob(os.path.join(written, "**", "*"), recursive=True):
        if os.path.isfile(part) and not os.path.basename(part).startswith((".", "_")):
            with open(part, newline="") as handle:
                for phone, code, first_seen, last_seen in csv.reader(handle):
                    places = cards.setdefault(phone, [])
                    if code:
                        places.append((int(first_seen), code, int(last_seen)))
    with open(out, "w") as sink:
        for phone in sorted(cards):
            places = [place(code, first, last) for first, code, last in sorted(cards[phone])]
            color = "yellow" if any(len(p["code"]) == 2 for p in places) else "green"
            sink.write(json.dumps({"phone": phone, "color": color, "places": places}, ensure_ascii=False) + "\n")
    shutil.rmtree(written)
    shutil.rmtree(linked)


ENGINES = {"duckdb": duckdb_cards, "polars": polars_cards, "spark": spark_cards, "flink": flink_cards}


def worker(name, directory, days, out, threads, heap):
    """Runs one peer and prints its timings as one JSON line (the child side of window_bench.py)."""
    from measure import tree_rss_kib
    began = time.perf_counter()
    up = {}

    def ready():
        up.update(at=time.perf_counter(), rss=tree_rss_kib())

    ENGINES[name](directory, days, out, threads, heap, ready)
    finished = time.perf_counter()
    print(json.dumps(dict(startup_s=up["at"] - began, query_s=finished - up["at"], ready_rss_kib=up["rss"])))
