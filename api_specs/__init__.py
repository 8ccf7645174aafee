"""Tool-spec files (package data): one JSON file per domain, validated by spec.schema.json."""
