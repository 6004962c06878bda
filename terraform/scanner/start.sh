#!/bin/sh
# Fetch the signatures, start clamd (it loads them), then serve the scanner's HTTP API.
set -eu
freshclam --foreground --stdout
clamd
until [ -S /run/clamav/clamd.ctl ]; do sleep 1; done
exec functions-framework --source /srv/main.py --target scan_upload --port "${PORT:-8080}"
