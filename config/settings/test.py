"""Settings for the test suite: fast hashing, mail in memory, tasks run at once."""

import os

os.environ.setdefault("DEBUG", "true")

from config.settings.base import *  # noqa: F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
STORAGES["staticfiles"]["BACKEND"] = "django.contrib.staticfiles.storage.StaticFilesStorage"  # noqa: F405
SECURE_SSL_REDIRECT = False
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
LANGUAGE_COOKIE_SECURE = False
ACCOUNT_RATE_LIMITS = False  # tests that need them turn them on

# Threads in the concurrency tests share the test database, so on SQLite it is a file
# (an in-memory database is private to one connection). One file per test run (two runs
# at once must not share it); pytest-xdist workers get their own, as pytest-django
# appends the worker's name. Django deletes the file at the end of the run.
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):  # noqa: F405
    DATABASES["default"]["TEST"] = {"NAME": BASE_DIR / f".test-db-{os.getpid()}.sqlite3"}  # noqa: F405
