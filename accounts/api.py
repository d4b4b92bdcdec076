"""``/api/v1/auth/token/``: issue a token for a username, password (and second-factor code);
revoke the calling token."""

from django.contrib.auth import authenticate
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from . import services
from .authentication import ApiTokenAuthentication
from .models import ApiToken
from .throttling import AddressRateThrottle, PerUserRateThrottle


class TokenRequestSerializer(serializers.Serializer):
    username = serializers.CharField(max_length=150)
    password = serializers.CharField(max_length=4096, trim_whitespace=False)
    otp = serializers.CharField(
        max_length=32,
        required=False,
        allow_blank=True,
        help_text=_("A code from the authenticator app, or a recovery code."),
    )

    def validate(self, attrs):
        request = self.context["request"]
        # The plain HttpRequest, so that django-axes (which counts failures per username and
        # flags a lockout on the request) sees this attempt like a login-page one.
        user = authenticate(
            request=request._request, username=attrs["username"], password=attrs["password"]
        )
        if user is None:
            # The same answer for an unknown username, a wrong password and an inactive user.
            raise serializers.ValidationError(
                _("Unable to log in with provided credentials."), code="authorization"
            )
        otp = attrs.get("otp", "")
        if services.two_factor_in_use():
            self._check_second_factor(user, otp)
        attrs["user"] = user
        return attrs

    @staticmethod
    def _check_second_factor(user, otp: str) -> None:
        if services.two_factor_confirmed(user):
            if not otp:
                raise serializers.ValidationError(
                    {"otp": [_("Enter a code from your authenticator app.")]}
                )
            if services.two_factor_verify(user=user, code=otp) is None:
                if services.two_factor_code_reused(user=user, code=otp):
                    message = _("This code was just used; wait for the next one.")
                else:
                    message = _("The code is not valid.")
                raise serializers.ValidationError({"otp": [message]})
        elif services.two_factor_required(user):
            raise serializers.ValidationError(
                {"otp": [_("Set up two-factor authentication in the portal first.")]}
            )


class TokenView(APIView):
    """POST: issue a token (valid ``API_TOKEN_TTL_DAYS`` days). DELETE: revoke the token the
    request is authenticated with."""

    authentication_classes = [ApiTokenAuthentication]

    def get_permissions(self):
        if self.request.method == "POST":
            return [AllowAny()]
        return [IsAuthenticated()]

    def get_throttles(self):
        if self.request.method == "POST":
            # By address, whoever is asking: this is where passwords are guessed.
            return [AddressRateThrottle()]
        return [PerUserRateThrottle()]

    @extend_schema(
        request=TokenRequestSerializer,
        responses=inline_serializer(
            "TokenResponse",
            {"token": serializers.CharField(), "expires_at": serializers.DateTimeField()},
        ),
    )
    def post(self, request):
        from axes.handlers.proxy import AxesProxyHandler

        serializer = TokenRequestSerializer(data=request.data, context={"request": request})
        serializer.is_valid(raise_exception=True)
        user = serializer.validated_data["user"]
        # A successful sign-in: django-axes clears the user's failed attempts.
        AxesProxyHandler.user_logged_in(sender=type(self), request=request._request, user=user)
        token, key = services.api_token_issue(user=user)
        return Response(
            {
                "token": key,
                "expires_at": serializers.DateTimeField().to_representation(token.expires_at),
            }
        )

    @extend_schema(request=None, responses={204: None})
    def delete(self, request):
        if isinstance(request.auth, ApiToken):
            services.api_token_revoke(user=request.user, token_id=request.auth.pk)
        return Response(status=status.HTTP_204_NO_CONTENT)
