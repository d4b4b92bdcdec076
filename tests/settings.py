"""Settings for the test suite: the portal's own settings with what they need to start.

The portal refuses to start without SECRET_KEY and runs with DEBUG off unless told otherwise
(safe defaults). The tests set both here, in the environment, so that `python -m pytest` alone
works and subprocesses the tests start (a Celery worker, manage.py) inherit them. Anything set
in the environment beforehand wins.
"""

import os

os.environ.setdefault("SECRET_KEY", "test-only-insecure-key-never-used-outside-the-test-suite")
os.environ.setdefault("DEBUG", "1")

from ireN.settings import *  # noqa: E402,F403
