#!/usr/bin/env bash
# GET /api/ocr/resources: memory, CPU and per-module instance counts.
source "$(dirname "$0")/common.sh"
grace_curl GET /api/ocr/resources
