#!/usr/bin/env bash
# GET /v1/modules: loaded modules and pipelines.
source "$(dirname "$0")/common.sh"
grace_curl GET /v1/modules
