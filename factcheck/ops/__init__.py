"""Operations: health and readiness probes, the request log line, and what "the broker is
down" looks like to the web side. No models, no pages of its own."""
