#!/usr/bin/env bash
# GET /metrics: Prometheus text format.
source "$(dirname "$0")/common.sh"
grace_curl GET /metrics
