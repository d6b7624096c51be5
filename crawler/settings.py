"""Scrapy settings for portal-archive, and every ARCHIVE_* default in one place.

The defaults are for real government portals: robots.txt obeyed, at most two requests in flight
per site, a one-second base delay that AutoThrottle stretches when a site slows down, and a
User-Agent that says who is crawling. Only crawls of a local replay or simulator (127.0.0.1)
relax them, through LOOPBACK_SETTINGS, applied by archive.runner.

Every ARCHIVE_* setting is read and checked in one place, crawler.options.CrawlOptions; the
command's flags are shorthands for them. The archive's own components (the session that owns the
database side, the WARC capture middleware, the store pipeline) are named here by dotted path, as
Scrapy assembles a project: no module of crawler/ or pipelines/ imports archive/.
"""

BOT_NAME = "portal-archive"
SPIDER_MODULES = ["crawler.spiders"]
NEWSPIDER_MODULE = "crawler.spiders"

USER_AGENT = (
    "portal-archive/0.1 (archive crawler for Vietnamese public portals; polite, obeys robots.txt)"
)
ROBOTSTXT_OBEY = True

CONCURRENT_REQUESTS = 16
CONCURRENT_REQUESTS_PER_DOMAIN = 2
DOWNLOAD_DELAY = 1.0
DOWNLOAD_DELAY_JITTER = 0.5  # ±50%, so requests do not tick like a metronome
AUTOTHROTTLE_ENABLED = True
AUTOTHROTTLE_START_DELAY = 1.0
AUTOTHROTTLE_MAX_DELAY = 30.0
AUTOTHROTTLE_TARGET_CONCURRENCY = 1.0

DOWNLOAD_TIMEOUT = 30
DOWNLOAD_MAXSIZE = 32 * 1024 * 1024  # a portal page over 32 MiB is a fault or a bomb
DOWNLOAD_WARNSIZE = 8 * 1024 * 1024
RETRY_TIMES = 2
TELNETCONSOLE_ENABLED = False
REMOTE_CONTROL_ENABLED = False  # no listening ports beyond what a crawl needs
LOG_LEVEL = "INFO"

DOWNLOADER_MIDDLEWARES = {
    "crawler.middlewares.StayOnHostMiddleware": 40,  # before offsite (50) and robots.txt (100)
    # RFC 9309 where Scrapy differs (5xx robots.txt disallows, Crawl-delay), and Retry-After.
    "scrapy.downloadermiddlewares.robotstxt.RobotsTxtMiddleware": None,
    "crawler.politeness.RobotsPolicyMiddleware": 100,
    "scrapy.downloadermiddlewares.retry.RetryMiddleware": None,
    "crawler.politeness.RetryAfterMiddleware": 550,
    "crawler.middlewares.OffsiteRedirectMiddleware": 610,  # sees 3xx before redirects (600)
    "archive.capture.WarcCaptureMiddleware": 950,  # next to the downloader: raw responses
}
# A recovery (crawler.spiders.recover) talks to a web archive, not to the portal: no host to
# stay on (its allowed_domains are the archive's), and what the archive answers is made back
# into the captured page before the WARC capture sees it.
RECOVER_DOWNLOADER_MIDDLEWARES = {
    **DOWNLOADER_MIDDLEWARES,
    "crawler.middlewares.StayOnHostMiddleware": None,
    "crawler.middlewares.OffsiteRedirectMiddleware": None,
    "crawler.archive_access.ArchiveBackoffMiddleware": 560,  # before retries (550)
    "crawler.archive_access.MementoMiddleware": 970,  # before the WARC capture (950)
}
ITEM_PIPELINES = {
    "archive.importing.ImportCapturePipeline": 100,  # import: records into the WARC files first
    "pipelines.extract.ExtractPipeline": 300,
    "archive.pipeline.StorePipeline": 800,
}
EXTENSIONS = {
    "archive.session.ArchiveSession": 0,  # first: the others may reach it (ArchiveSession.of)
    "crawler.extensions.Progress": 500,
}

# portal-archive's own settings.
ARCHIVE_DB_PATH = "portal-archive.db"
ARCHIVE_PORTAL = None  # the Portal (or its id): the command's PORTAL argument
ARCHIVE_FETCH_BASE = None  # fetch from this scheme://host:port instead of the portal's origin
ARCHIVE_ARTICLE_LIMIT = 0  # stop scheduling articles after this many (0: no limit)
# Stored articles fetched again: "due" (the portal's revisit policy) or "all" (crawl --recheck).
ARCHIVE_RECHECK = "due"
# Follow pagination from a listing page only while fewer listing pages than this in a row have
# brought no new article; 0 always follows (a full walk). Known articles are never re-fetched.
ARCHIVE_STALE_LISTING_LIMIT = 1
ARCHIVE_BACKFILL_SINCE = None  # backfill: walk all pagination back to this day (YYYY-MM-DD)
ARCHIVE_BACKFILL_UNTIL = None  # backfill: articles listed as newer than this day are not fetched
ARCHIVE_PROGRESS_INTERVAL = 5.0  # seconds between progress lines; 0 turns them off
ARCHIVE_WARC_ENABLED = True  # every response into WARC files, indexed in the captures table
ARCHIVE_WARC_DIR = None  # default: "<database name>-warc/" beside the database
ARCHIVE_WARC_MAX_BYTES = 1024**3  # rotate WARC files at 1 GiB
# Links read per page (0: all). Portal pages have a few hundred; a hostile or broken page with a
# million would queue a million requests (4.4 GB for four such pages).
ARCHIVE_MAX_LINKS_PER_PAGE = 5000
ARCHIVE_EXTRACT_WORKERS = 0  # extraction processes; 0: one per core
ARCHIVE_EXTRACT_TIMEOUT = 30.0  # seconds a page may take to extract before it is recorded failed
# The pure extraction function, (url, body, headers, fetched_at, portal) -> Article, by dotted
# path; tests swap in one that hangs or crashes.
ARCHIVE_EXTRACT_FUNCTION = "pipelines.extraction.extract_article"

# recover: captures of a portal from a web archive. ARCHIVE_RECOVER_FROM is wayback,
# commoncrawl or a pywb-style CDX endpoint (http://host:port/<collection>/cdx).
ARCHIVE_RECOVER_FROM = None
ARCHIVE_RECOVER_CC_INDEX = "https://index.commoncrawl.org"  # collinfo.json and the CDX indexes
ARCHIVE_RECOVER_CC_DATA = "https://data.commoncrawl.org"  # the WARC files, read by HTTP Range
ARCHIVE_RECOVER_CAPTURED_SINCE = None  # only captures from this day (YYYY-MM-DD)
ARCHIVE_RECOVER_CAPTURED_UNTIL = None  # ... to this day
ARCHIVE_RECOVER_ALL_VERSIONS = False  # every distinct version, not the earliest good capture
# One request a second at most, on one connection: the Wayback refuses connections for a minute
# or more after about 15 quick downloads (wayback-machine-downloader #160, #264, #273).
ARCHIVE_RECOVER_DELAY = 1.0
ARCHIVE_RECOVER_BACKOFF = 60.0  # seconds of pause after a refused or reset connection...
ARCHIVE_RECOVER_BACKOFF_MAX = 900.0  # ... doubling at each one in a row, up to this
ARCHIVE_RECOVER_RETRIES = 8  # tries of one request after refused or reset connections

ARCHIVE_IMPORT_FILES: list[str] = []  # import: WARC, ARC and WACZ files (the command's FILEs)

# Applied on top of the above only when every request goes to 127.0.0.1 (replay, simulator, tests).
RETRY_AFTER_MAX = 600  # seconds; a site asking for a longer wait is left alone this run

LOOPBACK_SETTINGS = {
    "DOWNLOAD_DELAY": 0,
    "AUTOTHROTTLE_ENABLED": False,
    "CONCURRENT_REQUESTS_PER_DOMAIN": 16,
}
