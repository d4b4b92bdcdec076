"""Handling codes (after Europol's): how far information given by a member may go. Queries
carry one, the matching index keeps it with each record, and alert mail reads it."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class HandlingCode(models.TextChoices):
    """Handling codes after Europol's."""

    H0 = "H0", _("H0: use only for the purpose of fighting crime")
    H1 = "H1", _("H1: not for use in court without the sender's consent")
    H2 = "H2", _("H2: not to be passed on without the sender's consent")
    H3 = "H3", _("H3: other restrictions (stated with the query)")
