#!/usr/bin/env bash
# The build, as CI runs it and as docker/Dockerfile's build stage runs it: one script so the image
# can never be built differently from what CI tested (tools/deploy-checks/dockerfile.spec.ts checks
# that the Dockerfile calls this script and that these are its only commands).
#
# Usage: docker/build-steps.sh [deps|build|all]   (default: all)
#   deps   install every dependency exactly as locked (the Dockerfile runs it before copying the
#          sources, so the dependency layer is cached while only sources change)
#   build  compile to dist/
set -euo pipefail

step="${1:-all}"
cd "$(dirname "$0")/.."

case "$step" in
  deps)
    npm ci
    ;;
  build)
    npm run build
    ;;
  all)
    npm ci
    npm run build
    ;;
  *)
    echo "build-steps.sh: unknown step '$step' (expected deps, build or all)" >&2
    exit 2
    ;;
esac
