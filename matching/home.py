"""The home page's "hits" section: new cross-country hits of the person's members."""

from django.urls import reverse

from members.home import HomeSection

from . import permissions, selectors
from .models import Hit, HitState

SHOWN = 5


def new_hits_section(*, user) -> HomeSection | None:
    if not permissions.may_use_matching(user):
        return None
    rows = selectors.hits_for(user=user, state=HitState.NEW)
    kinds = {value: str(label) for value, label in Hit._meta.get_field("kind").choices}
    hits = [
        {"shown": selectors.hit_presentation(hit, user=user), "kind_label": kinds.get(hit.kind)}
        for hit in rows[:SHOWN]
    ]
    return HomeSection(
        template="matching/_home_hits.html",
        context={
            "hits": hits,
            "count": rows.count(),
            "hits_url": f"{reverse('matching:hits')}?state={HitState.NEW}",
        },
    )
