"""One local stack of the whole product for the end-to-end tests, and its clients."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from infra.api_client import ApiClient, local_api_client, local_api_url
from infra.fake_sheets import FakeSheets
from infra.local_stack import LocalStack
from infra.local_stack.paths import LOG_DIR
from infra.local_stack.product import ALLOW_LOOPBACK_WEBHOOKS, product_config
from shared.domain.sentences import Note
from shared.text.pdf_source import open_pdf
from shared.text.pipeline import process_pdf, source_sentences

SAMPLE = Path(__file__).parents[2] / "samples" / "sample-novel.pdf"
PAGES_PER_CHUNK = 7  # the 30-page sample makes 5 chunks
CHUNK_MAX_ATTEMPTS = 4
EXPORT_INLINE_ROWS = 500  # the sample's ~1,100 sentences export as a task
WEBHOOK_RETRY_BASE_SECONDS, WEBHOOK_MAX_ATTEMPTS = 0.5, 4
UPLOAD_URL_SECONDS, UPLOAD_GRACE_SECONDS = 60, 10
# Free users (every test user) get room for the whole suite; "premium" gets small
# quotas, so the rate-limit tests can use them up.
LIMITED_ROLE, LIMITED_PROCESSING, LIMITED_READS = "premium", 3, 10
# Likewise plans: free users may do all the suite does; premium books have few pages,
# so a premium upload shows the storage trigger refusing a book over its plan.
LIMITED_PAGES = 10
PLANS = json.dumps(
    {
        "free": {
            "books_per_day": None,
            "concurrent_jobs": None,
            "file_mb": 50,
            "batch_files": 50,
            "pages_per_book": 2000,
            "engines": ["offline", "gemini"],
            "webhook_endpoints": 10,
        },
        LIMITED_ROLE: {"pages_per_book": LIMITED_PAGES},
    }
)
RATE_LIMITS = json.dumps(
    {
        "free": {"processing": [10_000, 3600], "reads": [100_000, 60]},
        LIMITED_ROLE: {"processing": [LIMITED_PROCESSING, 3600], "reads": [LIMITED_READS, 3600]},
    }
)


@pytest.fixture(scope="session")
def faults_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("faults")


@pytest.fixture(scope="session")
def trace_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Where every function of the stack appends its finished spans."""
    return tmp_path_factory.mktemp("traces") / "spans.jsonl"


@pytest.fixture(scope="session")
def fake_sheets() -> Iterator[FakeSheets]:
    """The Sheets and Drive APIs the stack's gspread client is pointed at."""
    with FakeSheets() as server:
        yield server


@pytest.fixture(scope="session")
def stack(faults_dir: Path, trace_file: Path, fake_sheets: FakeSheets) -> Iterator[LocalStack]:
    config = product_config(
        worker_source=Path(__file__).parent / "scenarios" / "worker_with_faults.py",
        env={
            "FAULTS_DIR": str(faults_dir),
            "FNT_PAGES_PER_CHUNK": str(PAGES_PER_CHUNK),
            "FNT_CHUNK_MAX_ATTEMPTS": str(CHUNK_MAX_ATTEMPTS),
            "FNT_RATE_LIMITS": RATE_LIMITS,
            "FNT_PLANS": PLANS,
            "FNT_TRACE_FILE": str(trace_file),
            "FNT_GOOGLE_APIS_BASE_URL": fake_sheets.url,
            "FNT_EXPORT_INLINE_ROWS": str(EXPORT_INLINE_ROWS),
            # Failed deliveries are tried again within seconds, up to 4 attempts.
            "FNT_WEBHOOK_RETRY_BASE_SECONDS": str(WEBHOOK_RETRY_BASE_SECONDS),
            "FNT_WEBHOOK_MAX_ATTEMPTS": str(WEBHOOK_MAX_ATTEMPTS),
            **ALLOW_LOOPBACK_WEBHOOKS,
            # An upload that never comes fails its job 70 s after the URL was made.
            "FNT_UPLOAD_URL_MINUTES": str(UPLOAD_URL_SECONDS // 60),
            "FNT_UPLOAD_GRACE_SECONDS": str(UPLOAD_GRACE_SECONDS),
        },
        log_dir=LOG_DIR / "e2e",
    )
    with LocalStack(config) as started:
        yield started


@pytest.fixture(scope="session")
def api_url(stack: LocalStack) -> str:
    return local_api_url(stack)


@pytest.fixture(scope="session")
def client_for(stack: LocalStack) -> Callable[[str], ApiClient]:
    def make(uid: str) -> ApiClient:
        return local_api_client(stack, uid)

    return make


@pytest.fixture(scope="session")
def reader(client_for: Callable[[str], ApiClient]) -> ApiClient:
    return client_for("reader-one")


@pytest.fixture(scope="session")
def sample_pdf() -> bytes:
    return SAMPLE.read_bytes()


@pytest.fixture(scope="session")
def expected_sentences(sample_pdf: bytes) -> list[dict[str, object]]:
    """The text engine alone on the whole book: what the system must return."""
    return engine_sentences(sample_pdf)


def engine_sentences(
    data: bytes, limit: int = 8, notes: list[Note] | None = None
) -> list[dict[str, object]]:
    """The text engine alone on a whole book, as the API lists its sentences: each with
    its place and, when it was cut, the book's sentence it came from."""
    sources = {source.index: source.text for source in source_sentences(open_pdf(data))}
    listed = []
    for index, sentence in enumerate(process_pdf(data, limit, notes=notes)):
        source = sources[sentence.source_index]
        original = None if source == sentence.text else source
        listed.append({"flag": None, **sentence.to_dict(), "index": index, "original": original})
    return listed


@pytest.fixture
def plan_faults(faults_dir: Path) -> Callable[[str, dict[str, object]], None]:
    def plan(job_id: str, faults: dict[str, object]) -> None:
        (faults_dir / f"{job_id}.json").write_text(json.dumps(faults))

    return plan


@pytest.fixture
def deliveries(faults_dir: Path) -> Callable[[str], list[dict[str, object]]]:
    def read(job_id: str) -> list[dict[str, object]]:
        path = faults_dir / f"{job_id}.deliveries.jsonl"
        if not path.is_file():
            return []
        return [json.loads(line) for line in path.read_text().splitlines()]

    return read
