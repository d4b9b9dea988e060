"""graphsvc: author collaboration graphs from publication lists."""

__version__ = "0.1.0"
