#!/usr/bin/env bash
# The build, as CI runs it and as docker/Dockerfile's build stage runs it: one script so the image
# can never be built differently from what CI tested (tools/deploy-checks/dockerfile.spec.ts checks
# that the Dockerfile calls this script and that these are its only commands).
#
# Usage: docker/build-steps.sh [deps|build|all]   (default: all)
#        docker/build-steps.sh runtime <dir>
#   deps     install every dependency exactly as locked (the Dockerfile runs it before copying the
#            sources, so the dependency layer is cached while only sources change)
#   build    compile to dist/
#   runtime  copy from dist/ only what runs into <dir> (package.json and dist/apps, dist/libs without
#            tests and test helpers): the runtime stage copies that. A copy of the files CI tested,
#            not a second compile (a tsconfig.build.json would give a dist/ CI never ran);
#            tools/deploy-checks/runtime-image.e2e.ts runs this step and starts the app from <dir>.
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
  runtime)
    out="${2:?build-steps.sh runtime: give the output directory}"
    [ -f dist/apps/csms/main.js ] || { echo "build-steps.sh runtime: no dist/ (run the build step first)" >&2; exit 1; }
    rm -rf "$out"
    mkdir -p "$out/dist"
    cp package.json "$out/"
    # Only apps and libs run; bench/, tools/ and test/ are for the repository.
    cp -R dist/apps dist/libs "$out/dist/"
    # Test helpers (libs/testing, */test-support/) and the tests themselves, with their source maps.
    rm -rf "$out/dist/libs/testing"
    find "$out/dist" -type d -name test-support -prune -exec rm -rf {} +
    find "$out/dist" -type f \( -name '*.spec.js' -o -name '*.spec.js.map' -o -name '*.e2e.js' -o -name '*.e2e.js.map' \
      -o -name '*.infra.js' -o -name '*.infra.js.map' \) -delete
    ;;
  *)
    echo "build-steps.sh: unknown step '$step' (expected deps, build, all or runtime <dir>)" >&2
    exit 2
    ;;
esac
