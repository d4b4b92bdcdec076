"""Browser views of the members app: home, directory, onboarding, people and control units."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from . import home as home_page
from . import permissions, releases, selectors, services
from .forms import (
    ControlUnitForm,
    FocalPointFormSet,
    OnboardMemberForm,
    PersonForm,
    ReleasePolicyForm,
    ReturnForm,
    SuspendMemberForm,
)
from .models import MemberAdministration, RoleName


def _base_url(request) -> str:
    return request.build_absolute_uri("/").rstrip("/")


@login_required
def home(request):
    user = request.user
    context = {
        "roles": selectors.user_role_names(user),
        "network_admin": permissions.is_network_admin(user),
        "managed_members": permissions.members_for(user, permissions.Right.MANAGE_PEOPLE)
        if not permissions.is_network_admin(user)
        else MemberAdministration.objects.none(),
        "sections": home_page.home_sections_render(
            home_page.home_sections(user=user), request=request
        ),
    }
    return render(request, "members/home.html", context)


@login_required
def directory(request):
    if not permissions.is_network_user(request.user):
        raise Http404
    return render(request, "members/directory.html", {"members": selectors.member_directory()})


@login_required
def member_detail(request, code):
    if not permissions.is_network_user(request.user):
        raise Http404
    member = get_object_or_404(selectors.member_directory(), code=code.upper())
    return render(
        request,
        "members/member_detail.html",
        {
            "member": member,
            "may_manage": permissions.has_right(
                request.user, permissions.Right.MANAGE_PEOPLE, member
            ),
            "may_suspend": permissions.may_suspend_members(request.user),
            "suspend_form": SuspendMemberForm(),
        },
    )


def _suspendable_member(request, code):
    """The member a network admin suspends or reinstates; 404 for everyone else."""
    if not permissions.may_suspend_members(request.user):
        raise Http404
    return get_object_or_404(MemberAdministration, code=code.upper())


@login_required
@require_POST
def member_suspend(request, code):
    member = _suspendable_member(request, code)
    form = SuspendMemberForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(m for ms in form.errors.values() for m in ms))
        return redirect("member-detail", code=member.code)
    try:
        services.member_suspend(member=member, reason=form.cleaned_data["reason"], by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request,
            _("%(member)s is suspended: its people can no longer sign in.")
            % {"member": member.display_name},
        )
    return redirect("member-detail", code=member.code)


@login_required
@require_POST
def member_reinstate(request, code):
    member = _suspendable_member(request, code)
    try:
        services.member_reinstate(member=member, by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("%(member)s is reinstated.") % {"member": member.display_name})
    return redirect("member-detail", code=member.code)


@login_required
def onboard(request):
    if not permissions.may_onboard_members(request.user):
        raise Http404
    form = OnboardMemberForm(request.POST or None)
    formset = FocalPointFormSet(request.POST or None, prefix="focal")
    if request.method == "POST" and form.is_valid() and formset.is_valid():
        focal_points = [
            services.FocalPoint(name=f.cleaned_data["name"], email=f.cleaned_data["email"])
            for f in formset.forms
            if f.cleaned_data.get("email")
        ]
        try:
            member = services.member_onboard(
                **form.cleaned_data, focal_points=focal_points, base_url=_base_url(request)
            )
        except ValidationError as error:
            # Focal-point problems have no field of their own: shown above the form.
            form.add_service_errors(error)
        else:
            messages.success(
                request,
                _("%(member)s was onboarded and its focal points were invited.")
                % {"member": member.display_name},
            )
            return redirect("member-detail", code=member.code)
    return render(request, "members/onboard.html", {"form": form, "formset": formset})


def _managed_member(request, code):
    """The member whose people and units the user manages, or 404."""
    return get_object_or_404(
        permissions.members_for(request.user, permissions.Right.MANAGE_PEOPLE), code=code.upper()
    )


@login_required
def people(request, code):
    member = _managed_member(request, code)
    return render(
        request,
        "members/people.html",
        {
            "member": member,
            "people": selectors.member_people(user=request.user, member=member),
            "may_manage_sign_in": permissions.may_manage_sign_in(request.user, member),
        },
    )


@login_required
def person_edit(request, code, pk=None):
    member = _managed_member(request, code)
    person = None
    if pk is not None:
        person = get_object_or_404(
            permissions.restrict_people(request.user).filter(member=member), pk=pk
        )
    initial = {}
    if person is not None:
        initial = {
            "username": person.username,
            "email": person.email,
            "first_name": person.first_name,
            "last_name": person.last_name,
            "roles": [r.name for r in permissions.user_roles(person) if r.member_id == member.pk],
            "control_unit": person.control_unit,
            "is_active": person.is_active,
        }
    form = PersonForm(request.POST or None, initial=initial, member=member)
    if request.method == "POST" and form.is_valid():
        try:
            if person is None:
                services.person_create(
                    member=member,
                    actor=request.user,
                    base_url=_base_url(request),
                    **form.cleaned_data,
                )
            else:
                services.person_update(
                    member=member, actor=request.user, person=person, **form.cleaned_data
                )
        except ValidationError as error:
            form.add_service_errors(error)
        else:
            messages.success(request, _("The person was saved."))
            return redirect("member-people", code=member.code)
    network_admin = permissions.people_manager(request.user, member) == RoleName.NETWORK_ADMIN
    return render(
        request,
        "members/person_form.html",
        {"member": member, "form": form, "person": person, "network_admin": network_admin},
    )


@login_required
def person_invite(request, code, pk):
    member = _managed_member(request, code)
    person = get_object_or_404(
        permissions.restrict_people(request.user).filter(member=member), pk=pk
    )
    if request.method == "POST":
        try:
            services.person_invite(
                member=member, person=person, by=request.user, base_url=_base_url(request)
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(
                request, _("An invitation was sent to %(email)s.") % {"email": person.email}
            )
    return redirect("member-people", code=member.code)


@login_required
def units(request, code):
    member = _managed_member(request, code)
    return render(
        request,
        "members/units.html",
        {"member": member, "units": member.control_units.order_by("code")},
    )


@login_required
def unit_edit(request, code, unit_code=None):
    member = _managed_member(request, code)
    unit = None
    if unit_code is not None:
        unit = get_object_or_404(
            permissions.restrict_control_units(request.user).filter(member=member),
            code=unit_code.upper(),
        )
    initial = {}
    if unit is not None:
        initial = {
            f: getattr(unit, f)
            for f in ("code", "name", "name_ru", "kind", "city", "locode", "active")
        }
    form = ControlUnitForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.control_unit_save(member=member, control_unit=unit, **form.cleaned_data)
        except ValidationError as error:
            form.add_service_errors(error)
        else:
            messages.success(request, _("The control unit was saved."))
            return redirect("member-units", code=member.code)
    return render(request, "members/unit_form.html", {"member": member, "form": form, "unit": unit})


# --- Release: the policy, the queue and acting on an item ---------------------------------------


@login_required
def release_policy(request, code):
    """A member's release policy, read and changed by its own member admins (404 for anyone
    else)."""
    member = get_object_or_404(MemberAdministration, code=code.upper())
    if not permissions.may_manage_release_policy(request.user, member):
        raise Http404
    policy = releases.release_policy_get(member=member)
    form = ReleasePolicyForm(request.POST or None, initial=policy)
    if request.method == "POST" and form.is_valid():
        try:
            releases.release_policy_set(
                member=member,
                actor=request.user,
                kinds=form.cleaned_data["kinds"],
                handling_codes=form.cleaned_data["handling_codes"],
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("The release policy is saved."))
            return redirect("member-release-policy", code=member.code)
    return render(request, "members/release_policy.html", {"member": member, "form": form})


@login_required
def release_queue(request):
    """What awaits the user's release, oldest first, with how long each has waited."""
    if not permissions.release_member_ids(request.user):
        raise Http404
    items = releases.releases_awaiting(user=request.user)
    return render(
        request, "members/release_queue.html", {"items": items, "return_form": ReturnForm()}
    )


@login_required
def release_item(request, kind, item_id):
    """An item held under a release policy, by kind and id: its own page (404 if the user may
    not see it)."""
    kind_ = releases.release_kind(kind)
    item = kind_.get(request.user, item_id)
    if item is None:
        raise Http404
    return redirect(kind_.describe(item).url)


def _back(request, fallback: str):
    target = request.POST.get("next", "")
    if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return redirect(target)
    return redirect(fallback)


@login_required
@require_POST
def release_item_release(request, kind, item_id):
    releases.item_release(user=request.user, kind=kind, item_id=item_id)
    messages.success(request, _("Released: it has gone out as if just filed."))
    return _back(request, "release-queue")


@login_required
@require_POST
def release_item_return(request, kind, item_id):
    form = ReturnForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Say why the item is returned."))
        return _back(request, "release-queue")
    releases.item_return(
        user=request.user, kind=kind, item_id=item_id, note=form.cleaned_data["note"]
    )
    messages.success(request, _("Returned to its author with your note."))
    return _back(request, "release-queue")
