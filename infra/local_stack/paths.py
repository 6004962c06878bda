"""Where the local stack keeps its files (all under the git-ignored .local/)."""

from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[2]
LOCAL_DIR = REPO_ROOT / ".local"
LOG_DIR = LOCAL_DIR / "logs"
RUN_DIR = LOCAL_DIR / "run"
VENVS_DIR = LOCAL_DIR / "venvs"
REQUIREMENTS_FILE = REPO_ROOT / "infra" / "requirements-stack.txt"
# The web app's build (`make web`), which the app server serves.
WEB_DIST = REPO_ROOT / "web" / "dist"
# ClamAV's signatures for local runs: the EICAR test file's, nothing downloaded.
CLAMAV_SIGNATURES = REPO_ROOT / "infra" / "local_stack" / "clamav"
