#!/usr/bin/env bash
# Development only, before the first release: regenerate the single initial migration from the
# models. After a release, add new migrations with `spt db revision -m "..."` instead.
set -euo pipefail
cd "$(dirname "$0")/.."
tmp=$(mktemp -d)
rm -f spt/migrations/versions/0001_initial_schema.py
SPT_DATABASE_URL="sqlite:///$tmp/regen.sqlite" .venv/bin/spt db revision -m "initial schema" >/dev/null
file=$(ls spt/migrations/versions/*_initial_schema.py)
rev=$(basename "$file" | cut -d_ -f1)
sed -i "s/^revision = '$rev'/revision = '0001'/; s/Revision ID: $rev/Revision ID: 0001/" "$file"
mv "$file" spt/migrations/versions/0001_initial_schema.py
rm -rf "$tmp"
echo "regenerated spt/migrations/versions/0001_initial_schema.py"
