#!/usr/bin/env bash
# GET /api/ocr/queue/status: queue depth, jobs in flight, done, failed, workers.
source "$(dirname "$0")/common.sh"
grace_curl GET /api/ocr/queue/status
