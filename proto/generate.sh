#!/bin/sh
# Regenerates the static protobuf decoders (npm run proto). The .d.ts comes from a commented build; the shipped
# .js is built without comments to keep the ingest bundle small.
set -e
cd "$(dirname "$0")/.."
out=shared/ingest/protocols/generated
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
files="proto/opentelemetry/opentelemetry/proto/collector/logs/v1/logs_service.proto proto/google/rpc/status.proto proto/loki/push.proto"
args="-t static-module -w es6 --no-verify --no-convert --no-delimited --no-service --no-typeurl -p proto -p proto/opentelemetry"
mkdir -p "$out"
npx pbjs $args -o "$tmp/wire.js" $files
npx pbts -o "$out/wire.d.ts" "$tmp/wire.js"
npx pbjs $args --no-comments -o "$out/wire.js" $files
