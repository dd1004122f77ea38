"""Logging to a file under the data directory. Only redacted text ever reaches a log record."""

from __future__ import annotations

import logging
from logging.handlers import RotatingFileHandler

from assistant.settings import Settings, get_settings

LOGGER_NAME = "enroller"


def configure_logging(settings: Settings | None = None) -> logging.Logger:
    """Send the `enroller` loggers to DATA_DIR/logs/enroller.log (rotating), once per process."""
    settings = settings or get_settings()
    logger = logging.getLogger(LOGGER_NAME)
    target = settings.log_dir / "enroller.log"
    for handler in list(logger.handlers):
        if isinstance(handler, RotatingFileHandler):
            if handler.baseFilename == str(target):
                return logger
            # A new data directory (tests, a second Settings): stop writing to the old one.
            logger.removeHandler(handler)
            handler.close()
    target.parent.mkdir(parents=True, exist_ok=True)
    handler = RotatingFileHandler(target, maxBytes=2_000_000, backupCount=3, encoding="utf-8")
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    logger.addHandler(handler)
    logger.setLevel(settings.log_level.upper())
    logger.propagate = False
    return logger
