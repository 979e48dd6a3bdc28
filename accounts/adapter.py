from allauth.account.adapter import DefaultAccountAdapter
from django.urls import reverse


class InvitationOnlyAccountAdapter(DefaultAccountAdapter):
    """Nobody signs up on their own: people arrive through an invitation link."""

    def is_open_for_signup(self, request):
        return False

    def get_login_redirect_url(self, request):
        return reverse("home")
