"""gunicorn's settings, read from the working directory (the image's /app) by default.

Booking, survey and password-reset links are credentials: gunicorn's access log writes
request lines and referrers, and its error log "Error handling request <uri>", so every
handler gunicorn makes for them gets the filter that every handler of Django's LOGGING has
(``core.logging``). Workers are forked from the master and inherit the handlers.
"""

from gunicorn.glogging import Logger

from core.logging import RedactLinkTokens


class RedactingLogger(Logger):
    """gunicorn's logger, whose handlers (made again on every reload) redact link tokens."""

    def setup(self, cfg):
        super().setup(cfg)
        for log in (self.error_log, self.access_log):
            for handler in log.handlers:
                if not any(isinstance(f, RedactLinkTokens) for f in handler.filters):
                    handler.addFilter(RedactLinkTokens())


logger_class = RedactingLogger
