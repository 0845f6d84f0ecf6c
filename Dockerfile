# Link's one image: docker-compose.yml runs it as the web app (gunicorn), the Celery worker
# and Celery beat. Production settings; the secrets come from the environment at run time.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    DJANGO_SETTINGS_MODULE=linkprog.settings.production \
    PYTHONPATH=/app

WORKDIR /app

# Dependencies first, in a layer of their own that is rebuilt only when pyproject.toml or the
# lock (constraints.txt) change. pip installs a stub of the project so that it resolves the
# project's own dependency list against the lock; the stub itself is then removed.
COPY pyproject.toml constraints.txt ./
RUN mkdir linkprog \
    && touch README.md linkprog/__init__.py \
    && pip install -c constraints.txt . \
    && pip uninstall --yes linkprog \
    && rm -rf linkprog README.md build ./*.egg-info

# Everything runs from the source tree in /app (PYTHONPATH above), where settings find
# templates/, static/ and the apps' data files: the same tree for gunicorn, manage.py and
# celery, whatever the working directory of each.
RUN useradd --create-home --uid 1000 --user-group link \
    && mkdir -p /app/var/exports /app/staticfiles \
    && chown link:link /app /app/var /app/var/exports /app/staticfiles
COPY --chown=link:link . .
USER link

# Hashed, compressed static files for WhiteNoise. Production settings insist on their
# variables (a key of 50 random characters or more), so the build gives throwaway ones: nothing
# here is kept in the image's settings.
RUN DJANGO_SECRET_KEY="$(python -c 'import secrets; print(secrets.token_urlsafe(50))')" \
    ALLOWED_HOSTS=localhost \
    EMAIL_URL=smtp://localhost:25 \
    python manage.py collectstatic --noinput

EXPOSE 8000
CMD ["gunicorn", "linkprog.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "2", "--access-logfile", "-"]
