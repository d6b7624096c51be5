"""Listings that page only by postback: ASP.NET WebForms pagers.

A WebForms pager's links are ``javascript:__doPostBack('ctl00$…$pager','Page$2')``: the browser
posts the page's form back (its ``__VIEWSTATE``, ``__EVENTVALIDATION``, and the link's target and
argument in ``__EVENTTARGET`` and ``__EVENTARGUMENT``) to the same URL. A portal declaring
``postback_pager=True`` has the spider do the same, for the next page only, so the walk keeps
its order and still stops where a page brings nothing new. The pages share one URL: they are
told apart by the posted form (Scrapy's duplicate filter counts the body), and the walk's
resume marks, which number pages by URL, do not follow them.
"""

from __future__ import annotations

import re
from typing import Any

from scrapy.http import FormRequest, Response, TextResponse

POSTBACK = re.compile(r"__doPostBack\(\s*'([^']*)'\s*,\s*'([^']*)'\s*\)")
_PAGE_ARGUMENT = re.compile(r"Page\$(\d+)$")
POSTBACK_PAGE = "postback_page"  # request meta: the number of the listing page posted for
_FORM = '//form[.//input[@name="__VIEWSTATE"]]'


def postback_links(response: TextResponse) -> list[tuple[int, str, str]]:
    """(page number, event target, event argument) of the page's pager links that post back."""
    found = []
    for anchor in response.selector.root.iter("a"):
        match = POSTBACK.search(anchor.get("href") or "")
        if not match:
            continue
        text = (anchor.text_content() or "").strip()
        numbered = _PAGE_ARGUMENT.search(match.group(2))
        number = int(text) if text.isdigit() else int(numbered.group(1)) if numbered else 0
        if number:
            found.append((number, match.group(1), match.group(2)))
    return found


class PostbackPaging:
    """Mixed into PortalSpider: the request for the next page of a postback pager."""

    portal: Any

    def _next_postback(self, response: Response, stale: int) -> FormRequest | None:
        if not self.portal.postback_pager or not isinstance(response, TextResponse):
            return None
        if not response.xpath(_FORM):
            return None
        page = response.meta.get(POSTBACK_PAGE, 1)
        for number, target, argument in postback_links(response):
            if number == page + 1:
                self._count("portal/listing/postback")  # type: ignore[attr-defined]
                action, fields = form_fields(response)
                local = self._local(action)  # type: ignore[attr-defined]
                if local is None:
                    return None  # a form posting to another site
                fields.update(__EVENTTARGET=target, __EVENTARGUMENT=argument)
                return FormRequest(
                    local,
                    formdata=fields,
                    callback=self.parse,  # type: ignore[attr-defined]
                    errback=self._listing_failed,  # type: ignore[attr-defined]
                    meta={POSTBACK_PAGE: number, "stale": stale},
                )
        return None


def form_fields(response: TextResponse) -> tuple[str, dict[str, str]]:
    """The view-state form's action and what a browser would post of it without clicking a
    button: its hidden and text inputs, checked boxes, selected options, text areas."""
    form = response.xpath(_FORM)[0]
    fields: dict[str, str] = {}
    for field in form.xpath(".//input[@name]"):
        kind = (field.attrib.get("type") or "text").lower()
        if kind in ("submit", "button", "image", "reset", "file"):
            continue
        if kind in ("checkbox", "radio") and "checked" not in field.attrib:
            continue
        fields[field.attrib["name"]] = field.attrib.get("value", "on" if kind == "checkbox" else "")
    for select in form.xpath(".//select[@name]"):
        chosen = (
            select.xpath(".//option[@selected]/@value").get()
            or select.xpath(".//option/@value").get()
        )
        fields[select.attrib["name"]] = chosen or ""
    for area in form.xpath(".//textarea[@name]"):
        fields[area.attrib["name"]] = area.xpath("string()").get() or ""
    action = response.urljoin(form.attrib.get("action") or response.url)
    return action, fields
