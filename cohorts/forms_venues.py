"""The venue fields of the cohort and workshop-day forms offer the area's directory venues
(an HTML datalist: choose one, or type any other). A directory venue chosen by name with no
address typed brings its address with it, so the form works without any script."""

from django.utils.translation import gettext_lazy as _

#: The id of the page's one list of directory venues, which every venue name field uses.
DATALIST_ID = "directory-venues"


class DirectoryVenuesMixin:
    """For a form with ``venue_name`` and ``venue_address``: ``venues`` (directory venues) are
    offered for the name, and fill in the address when it is left empty."""

    def offer_venues(self, venues) -> None:
        """Offer ``venues`` (read only when the page shows them, or an address is filled in
        from them: saving a form that needs neither costs nothing more)."""
        self.directory_venues = venues if venues is not None else ()
        if venues is None:
            return
        field = self.fields["venue_name"]
        field.widget.attrs.update(list=DATALIST_ID, autocomplete="off")
        hint = _("Choose from the area's venue directory as you type, or type any venue.")
        field.help_text = f"{field.help_text} {hint}" if field.help_text else hint

    def fill_venue_address(self, data: dict) -> dict:
        name = (data.get("venue_name") or "").strip().casefold()
        if name and not (data.get("venue_address") or "").strip():
            for venue in getattr(self, "directory_venues", ()):
                if venue.name.casefold() == name:
                    data["venue_address"] = venue.full_address
                    break
        return data
