#!/usr/bin/env bash
# Self-contained single-file executables of agent and firmware-sim, for machines without .NET (a Raspberry Pi
# next to a mote): one file each, nothing to install beside it.
#
#   scripts/publish.sh                       linux-x64 and linux-arm64, into out/linux-x64/ and out/linux-arm64/
#   scripts/publish.sh linux-arm64           only these runtime identifiers
#   OUT=/tmp/dist scripts/publish.sh         another output directory
#
# Builds in a scratch directory of its own (--artifacts-path), never in the tree's bin/ and obj/, so it may run
# beside a build or test run. The first run downloads the runtime packs of each RID from NuGet (a minute or more).
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
OUT=${OUT:-$ROOT/out}
rids=("$@")
(( ${#rids[@]} > 0 )) || rids=(linux-x64 linux-arm64)

work=$(mktemp -d "${TMPDIR:-/tmp}/agent-publish.XXXXXX")
trap 'rm -rf "$work"' EXIT

for rid in "${rids[@]}"; do
    for project in src/Agent.Cli firmware-sim; do
        printf 'publish.sh: %s for %s\n' "$project" "$rid" >&2
        dotnet publish "$ROOT/$project" -c Release -r "$rid" --self-contained -nologo -v quiet \
            -p:PublishSingleFile=true -p:DebugType=none \
            --artifacts-path "$work/$rid" -o "$OUT/$rid"
    done
    printf 'publish.sh: %s\n' "$(ls -l "$OUT/$rid/agent" "$OUT/$rid/firmware-sim" | awk '{printf "%s %.1f MB  ", $NF, $5/1e6}')" >&2
done
