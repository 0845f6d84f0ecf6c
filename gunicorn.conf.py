"""gunicorn's settings, read from the working directory (the image's /app) by default.

Booking-link tokens are credentials: the access log (``--access-logfile``) writes request
lines and referrers, so its logger gets the same filter as Django's request loggers
(``linkprog.logging``). Workers are forked from the master and inherit it.
"""

import logging

from linkprog.logging import RedactBookingTokens

logging.getLogger("gunicorn.access").addFilter(RedactBookingTokens())
