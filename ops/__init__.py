"""Operations helpers: JSON log output (``ops/logging-json.yml``)."""
