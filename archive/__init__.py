"""The archive: the SQLite store, the replay server, crawl orchestration and the CLI."""
