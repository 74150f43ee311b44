#!/usr/bin/env bash
# GET /health: deep health check (no API key needed).
source "$(dirname "$0")/common.sh"
grace_curl GET /health
