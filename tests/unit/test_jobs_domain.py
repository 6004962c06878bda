import pytest

from shared.domain.errors import InvalidLimit
from shared.domain.jobs import JobSettings, JobStatus, can_move, plan_chunks

S = JobStatus


@pytest.mark.parametrize(("pages", "per_chunk"), [(1, 30), (30, 30), (31, 30), (295, 30), (7, 2)])
def test_chunks_cover_every_page_once_in_near_equal_ranges(pages: int, per_chunk: int) -> None:
    chunks = plan_chunks(pages, per_chunk)

    covered = [page for c in chunks for page in range(c.first_page, c.last_page + 1)]
    assert covered == list(range(1, pages + 1))
    assert [c.number for c in chunks] == list(range(len(chunks)))
    assert len(chunks) == -(-pages // per_chunk)
    assert max(c.pages for c in chunks) - min(c.pages for c in chunks) <= 1
    assert max(c.pages for c in chunks) <= per_chunk


def test_a_book_without_pages_has_no_plan() -> None:
    with pytest.raises(ValueError):
        plan_chunks(0, 30)


@pytest.mark.parametrize(
    ("current", "new", "allowed"),
    [
        (S.AWAITING_UPLOAD, S.QUEUED, True),
        (S.AWAITING_UPLOAD, S.PROCESSING, False),
        (S.QUEUED, S.PROCESSING, True),
        (S.QUEUED, S.COMPLETED, False),
        (S.PROCESSING, S.COMPLETED, True),
        (S.PROCESSING, S.QUEUED, False),
        (S.COMPLETED, S.FAILED, False),
        (S.FAILED, S.QUEUED, False),
        (S.CANCELLED, S.PROCESSING, False),
    ],
)
def test_the_state_machine(current: JobStatus, new: JobStatus, allowed: bool) -> None:
    assert can_move(current, new) is allowed


@pytest.mark.parametrize("status", list(JobStatus))
def test_every_unfinished_job_can_fail_or_be_cancelled(status: JobStatus) -> None:
    assert can_move(status, S.FAILED) is can_move(status, S.CANCELLED) is (not status.is_final)


def test_settings_keep_the_limit_in_range() -> None:
    with pytest.raises(InvalidLimit):
        JobSettings(sentence_length_limit=51)
