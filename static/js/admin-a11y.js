// Link's fixes for what axe-core finds in Django's admin, applied as the admin's own scripts
// build the page (SelectFilter2.js draws its widgets after the page has loaded).
(function () {
    "use strict";

    function fix(root) {
        // SelectFilter2.js labels a bare <span> icon with aria-label, which a span may not
        // carry: it is an image of a magnifying glass, so say so.
        root.querySelectorAll("span.help-tooltip[aria-label]:not([role])").forEach(function (icon) {
            icon.setAttribute("role", "img");
        });
        // An inline table that is wider than a phone scrolls in its own box; when it holds no
        // field (a read-only inline), the keyboard could not reach it to scroll.
        root.querySelectorAll(".inline-group").forEach(function (group) {
            if (group.hasAttribute("tabindex")) {
                return;
            }
            if (!group.querySelector('input:not([type="hidden"]), select, textarea, button, a[href]')) {
                var heading = group.querySelector("h2");
                group.setAttribute("tabindex", "0");
                group.setAttribute("role", "region");
                if (heading) {
                    group.setAttribute("aria-label", heading.textContent.trim());
                }
            }
        });
    }

    function start() {
        fix(document);
        new MutationObserver(function () {
            fix(document);
        }).observe(document.body, {childList: true, subtree: true});
    }

    if (document.readyState === "loading") {
        document.addEventListener("DOMContentLoaded", start);
    } else {
        start();
    }
})();
