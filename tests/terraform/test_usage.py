"""Usage analytics in the deployment: the index the report's query needs, no expiry of the
counters, and a dashboard charting every usage metric the code records."""

from __future__ import annotations

import inspect
import re

import pytest

from shared.adapters import firestore_usage
from shared.observability import metrics
from shared.service import usage_counting
from tests.terraform.hcl_config import Config, load
from tests.terraform.test_data import indexes
from tests.terraform.test_project import empty_lists

DASHBOARD = "google_monitoring_dashboard"


@pytest.fixture(scope="module")
def config() -> Config:
    return load()


def test_a_composite_index_covers_the_usage_report(config: Config) -> None:
    # FirestoreUsageCounters.rows: dimension == D and A <= day <= B (ordered by day).
    source = inspect.getsource(firestore_usage.FirestoreUsageCounters.rows)
    for needle in (
        'FieldFilter("dimension", "=="',
        'FieldFilter("day", ">="',
        'FieldFilter("day", "<="',
    ):
        assert needle in source, f"the usage query changed ({needle}): update the index"
    assert source.count("FieldFilter(") == 3 and "order_by" not in source
    wanted = [("dimension", "ASCENDING"), ("day", "ASCENDING")]
    assert (firestore_usage.USAGE, "COLLECTION", wanted) in indexes(config)


def test_the_counters_and_their_marks_do_not_expire(config: Config) -> None:
    kept = {firestore_usage.USAGE, firestore_usage.MARKS}
    for body in config.of_type("google_firestore_field").values():
        assert body.get("collection") not in kept, body


def usage_metric_names() -> set[str]:
    """The usage counters' names, as shared/observability/metrics.py creates them."""
    return set(re.findall(r'"usage\.([a-z_]+)"', inspect.getsource(metrics.Instruments)))


def test_the_usage_dashboard_charts_every_usage_metric_by_labels_the_code_records(
    config: Config,
) -> None:
    tiles = config.local("usage_tiles")
    assert config.local("usage_metric_prefix") == "workload.googleapis.com/usage."
    assert {tile["metric"] for tile in tiles} == usage_metric_names()
    # Attributes the counting code records (as {"plan": ..., "kind": ...}).
    recorded = set(re.findall(r'"([a-z]+)": ', inspect.getsource(usage_counting)))
    for tile in tiles:
        assert tile["group_by"], tile["title"]
        for field in tile["group_by"]:
            label = field.removeprefix("metric.label.")
            assert label in recorded, f"{tile['title']}: no {label!r} attribute is recorded"
    text = config.resource(DASHBOARD, "usage")["dashboard_json"]
    assert "for index, tile in local.usage_tiles" in text
    assert 'filter = "metric.type=\\"${local.usage_metric_prefix}${tile.metric}\\""' in text
    assert 'perSeriesAligner = "ALIGN_DELTA"' in text and "groupByFields = tile.group_by" in text


def test_the_usage_dashboard_writes_only_what_google_keeps(config: Config) -> None:
    text = config.resource(DASHBOARD, "usage")["dashboard_json"]
    main = config.resource(DASHBOARD, "main")["dashboard_json"]
    layout = re.compile(r"index % 2 == 0 \? \{\} : \{xPos = \d+\}, index < 2 .*?\* \d+\}")
    # The same layout as the main dashboard's, which its own test checks.
    found = layout.search(text)
    assert found and found.group(0) in main
    assert empty_lists(config.local("usage_tiles")) == 0
    assert "= []" not in text and "= {}" not in text.replace("? {} :", "")
    assert "${var.name_prefix}" in text
