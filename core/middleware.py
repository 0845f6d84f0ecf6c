"""Middleware of the project as a whole."""

from django.utils.cache import patch_cache_control

#: Pages reached without a login that show one school's booking or one person's survey.
PERSONAL_LINK_PREFIXES = ("/cohorts/book/", "/survey/")


class PersonalPagesNotStored:
    """``Cache-Control: no-store, private`` on every response that may show personal data: all
    of a signed-in user's (coordinator pages, exports, the admin) and the pages of booking and
    survey links. No browser keeps them on disk and no shared cache keeps them at all, so the
    next person at a shared computer, or behind the same proxy, cannot bring them back.

    Directives a view set itself are kept and these added (``never_cache`` already has both).
    Static files never get here: WhiteNoise answers them earlier, with their own long cache.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if request.path_info.startswith(PERSONAL_LINK_PREFIXES) or request.user.is_authenticated:
            patch_cache_control(response, no_store=True, private=True)
        return response
