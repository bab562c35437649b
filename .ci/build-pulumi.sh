#!/usr/bin/env bash
# Builds the Pulumi CLI the engine suite runs (test/engine/, npm run rehearse), or reuses it, and
# prints its path on the last line of stdout. Progress goes to stderr.
#
# Why build it: the engine suite runs the real `pulumi up` against an Azure twin, and the CLI is open
# source (https://github.com/pulumi/pulumi, Apache-2.0). Its version is that of @pulumi/pulumi in
# package-lock.json, so that the CLI and the SDK are the same release.
#
# How: `go install github.com/pulumi/pulumi/pkg/v3/cmd/pulumi@v3.248.0` refuses, because pkg/v3's own
# go.mod has `replace` directives (sdk/v3 => ../sdk; github.com/atotto/clipboard =>
# github.com/tgummerer/clipboard). The wrapper module in .ci/pulumi-cli/ requires pkg/v3 and sdk/v3 at
# the same version and repeats the clipboard replace; its go.sum pins every module's checksum. The
# version the CLI reports is set with -ldflags, as Pulumi's own release build does
# (sdk/go/common/version.Version).
#
# Where: ${EXCHANGE_LAB_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/exchange-lab}/pulumi-v<version>/bin/pulumi (the
# layout the Automation API's PulumiCommand.get({ root }) expects),
# outside the repository, keyed by version. A binary there that answers `version` with the right
# version is reused.
#
# Needs Go 1.25.11 or later and the Go module proxy (GOPROXY). A user with the Pulumi CLI 3.207.0 or
# later installed does not need this script: the engine suite takes `pulumi` from PATH when it is
# recent enough (test/engine/cli.ts).
set -euo pipefail
cd "$(dirname "$0")/.."
started=$(date +%s)
version=$(node -p 'require("./node_modules/@pulumi/pulumi/package.json").version' 2>/dev/null \
  || node -p 'require("./package-lock.json").packages["node_modules/@pulumi/pulumi"].version')
cache="${EXCHANGE_LAB_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/exchange-lab}/pulumi-v${version}"
bin="$cache/bin/pulumi"
if [ -x "$bin" ] && [ "$("$bin" version 2>/dev/null)" = "v${version}" ]; then
  echo "pulumi v${version}: reused $bin" >&2
  echo "$bin"
  exit 0
fi
if ! command -v go >/dev/null 2>&1; then
  echo "pulumi v${version}: cannot build, no Go toolchain on PATH (install Go 1.25.11+, or the Pulumi CLI 3.207.0+: https://www.pulumi.com/docs/iac/download-install/)" >&2
  exit 1
fi
wrapper=.ci/pulumi-cli
if ! grep -q "github.com/pulumi/pulumi/pkg/v3 v${version}" "$wrapper/go.mod"; then
  echo "pulumi v${version}: $wrapper/go.mod pins another version; update it (see $wrapper/README.md)" >&2
  exit 1
fi
mkdir -p "$cache/bin"
echo "pulumi v${version}: building github.com/pulumi/pulumi/pkg/v3/cmd/pulumi with $(go version | cut -d' ' -f3) into $bin (a cold build takes several minutes on 2 cores)" >&2
(cd "$wrapper" && GOFLAGS=-mod=mod go build -trimpath \
  -ldflags "-s -w -X github.com/pulumi/pulumi/sdk/v3/go/common/version.Version=v${version}" \
  -o "$bin.tmp" github.com/pulumi/pulumi/pkg/v3/cmd/pulumi)
mv "$bin.tmp" "$bin"
echo "pulumi v${version}: built in $(( $(date +%s) - started )) s: $("$bin" version)" >&2
echo "$bin"
