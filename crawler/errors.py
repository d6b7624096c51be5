"""The one kind of error a person is meant to read: every mistake in what they asked for (an
unknown portal, a bad setting, an unusable database, a missing mirror, a crawl already running)
is an ``ArchiveError`` whose message says what is wrong. The command prints it as one line;
Python callers catch this one class."""


class ArchiveError(Exception):
    """A mistake or a condition the message explains to a person; never a bug."""
