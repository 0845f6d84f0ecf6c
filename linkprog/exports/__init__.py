"""Exports too large to build within a page request, built by a worker (issue 17).

A page whose export would exceed ``LINK_EXPORT_INLINE_ROWS`` rows sends the user to
``exports:new`` with the same filters; they ask for it, a worker builds the file
(``services.export_job_run``) as they may see it, their page follows its progress, and an
email through the outbox links back to that page when it is ready. Kinds live in ``kinds``;
the file is deleted ``LINK_EXPORT_KEEP_HOURS`` after it is finished.
"""
