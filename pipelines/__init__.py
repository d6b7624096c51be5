"""Item pipelines (extraction, storage hand-off) and the pure extraction code they call."""
