"""Sessions, professionals and attendance are shown in the admin by the app of the way of
delivering whose pages change them (``cohorts.admin`` for a cohort's workshop days), since
each admin record links to that page."""
