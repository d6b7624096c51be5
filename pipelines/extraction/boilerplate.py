"""The generic Vietnamese-portal boilerplate layer: works on portals nobody declared.

trafilatura finds the main text well but lets portal residue through: breadcrumbs and section
names above the title, the title itself, date lines, share/print toolbars ("EmailPrintAa"), rating
and comment labels, captcha messages, visitor counters, "Ghi rõ nguồn" footers, and related-news
lists ("Đọc thêm", "Các tin khác", "Tin liên quan") at the end. These rules remove them from the
extracted lines, using the page's own chrome (breadcrumb, portlet titles, menus) as evidence.

Pages of other countries (web archives, WARC imports) carry the same residue in their languages:
teaser links and boxes ("Lesen Sie auch: …", "Lea también: …", "À lire aussi"), advertising
marks, calls to subscribe or follow, log-in notices, picture credits. Those rules were drawn
from the must-not-contain snippets of trafilatura's evaluation corpus and held to Scrapinghub's.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from pipelines.extraction.classes import Classed, any_of
from pipelines.extraction.dates import published_iso
from pipelines.extraction.html import clean_line

# A line that is only one of these labels (optionally with a colon and a number) is residue.
_LABELS = (
    r"email|print|aa|emailprintaa|in bài viết|in bài|bản in|gửi mail|gửi email|gửi bài viết|"
    r"chia sẻ|chia sẻ bài viết|lưu bài viết|lưu bài viết này|in ra|quay lại|về đầu trang|"
    r"đánh giá|xếp hạng bài viết|click để đánh giá bài viết|bình luận|gửi bình luận|"
    r"ý kiến bạn đọc|ý kiến của bạn|gửi ý kiến|mã xác thực không đúng\.?|mã bảo mật|"
    r"lỗi: mã bảo mật chưa đúng|tin mới|tin mới nhất|tin xem nhiều|xem thêm|xem tiếp|"
    r"trang chủ|liên kết website|từ khóa|tags?|advertisement|"
    # Newspaper toolbars and their messages in English.
    r"print article|order reprints|reprints|share this article|this article has been sent to|"
    r"an error has occurred, please try again later\.?|thank you|comments?|leave a comment|"
    r"more|also|you may also like(?:\.\.\.)?|tell us what you think(?:\.\.\.)?|related posts?|"
    r"release date|last modified|image illustrative|pdf|"
    # ... and in German, the language of most of trafilatura's benchmark pages.
    r"teilen mit|wird geladen|bild anzeigen|beitragsbild|titelbild|weiter|bewerten|"
    r"kommentare insgesamt|zusatzinformationen|inhaltsverzeichnis|table of contents"
)
# A link to another article under a label, in the middle of the text ("Xem thêm: …", "Read
# more: …"): the tail after such a heading on a line of its own is cut below.
_RELATED_LINK = re.compile(
    r"^(?:xem thêm|đọc thêm|tin liên quan|read more|related|related post|see more|"
    # ... and their like in the languages of trafilatura's benchmark pages.
    r"lea también|lee también|vea también|le puede interesar|te puede interesar|"
    r"à lire aussi|lire aussi|voir aussi|lesen sie auch|auch interessant|auch lesen|"
    r"mehr zum thema|siehe auch|czytaj też|czytaj także|zobacz też|zobacz także|leggi anche|"
    r"leia também|veja também|lesen sie hier|mehr dazu|dowiedz się więcej|czytaj więcej)"
    r"\s*[:»]\s*\S.{0,150}$",
    re.IGNORECASE,
)
# A list marker may come first: trafilatura writes a toolbar's items as "- Print Article".
_LABEL_LINE = re.compile(rf"^(?:[-•*]\s+)?(?:{_LABELS})\s*:?\s*$", re.IGNORECASE)
_COUNTER_LINE = re.compile(
    r"^(?:thống kê|online|đang (?:truy cập|online)|lượt xem|số lượt (?:người )?xem|"
    r"tổng (?:số )?lượt truy cập|lượt truy cập|view count|hôm nay|trong tuần|lượt đánh giá|"
    r"tổng số điểm)\b[^.\d]{0,40}(?:\d[\d.:,]*)?\s*$",
    re.IGNORECASE,
)
# Calls to subscribe, sign up or follow, at the start of a line of their own.
_PROMO_LINE = re.compile(
    r"^(?:subscribe (?:now|today|to)|sign up (?:to|for|now)|never miss|follow (?:us|the \w+) on|"
    r"download (?:the|our) |zum newsletter|jetzt (?:kostenlos )?(?:newsletter )?abonnieren|"
    r"newsletter abonnieren|s[ií]guenos en|suscr[ií]bete|hazte miembro|abonnez-vous|"
    r"we want to hear what you think|zapraszamy (?:też )?do subskrypcji)"
    r".{0,200}$"
    # A sign-up box's heading, or a channel or app to follow, anywhere in a short line.
    r"|^.{0,40}\bnewsletter$|^.{0,120}\b(?:canal de (?:youtube|telegram|whatsapp)|"
    r"download (?:the|our) [\w ]{0,40}apps?|rss-feed abonnieren|subscribe to (?:our )?rss)"
    r"\b.{0,120}$",
    re.IGNORECASE,
)
_CREDIT_LINE = re.compile(
    r"^(?:ghi rõ nguồn|bản quyền|©|copyright|crédits? photos?\s*:|titelbild\s*:|"
    r"beitragsbild\s*:|bildquelle\s*:|image illustrative\s*:|\(?alle angaben ohne gewähr\)?$|"
    r"alle rechte vorbehalten|vervielfältigung nur mit genehmigung)",
    re.IGNORECASE,
)
# Advertising marks, and messages to readers who are not logged in or not subscribed.
_NOTICE_LINE = re.compile(
    r"^(?:\*?(?:werbung|anzeige)\s*(?:[-,:.*]|$)|sie sind aktuell nicht eingeloggt|"
    r"du musst eingeloggt sein|pour lire la suite|pour accéder en illimité)",
    re.IGNORECASE,
)
# Headings after which only related-news lists follow.
_RELATED_HEADING = re.compile(
    r"^(?:đọc thêm|các tin khác|tin khác|tin liên quan|bài liên quan|tin cùng chuyên mục|"
    r"những tin mới hơn|những tin cũ hơn|tin đã đưa|theo dòng sự kiện|xem thêm các tin)\s*:?$",
    re.IGNORECASE,
)
# Their like in other languages (trafilatura's benchmark pages): a news site's teaser box sits
# in the middle of the text as often as after it, so only a tail of headline-sized lines is cut;
# otherwise the heading alone goes (the box's links are already gone).
_RELATED_HEADING_ABROAD = re.compile(
    r"^(?:related (?:articles|stories|posts)|more stories|you might also like|"
    r"notas relacionadas|à lire aussi|lesen sie auch(?: die folgenden beiträge)?|"
    r"weitere artikel zum thema|weitere themen|mehr themen|mehr zum thema|"
    r"das könnte sie auch interessieren|das thema könnte dich auch interessieren|"
    r"auch interessant|schon gelesen\??|zum weiterlesen|czytaj też|czytaj także|leggi anche|"
    r"leia também)\s*:?$"
    # A box's heading may name the site: "Mehr zum Thema auf …", "Top-Themen bei …".
    r"|^(?:mehr zum thema|weitere (?:\w+ )?themen|top-themen|más sobre|mehr von|"
    r"beiträge aus dem forum|vorschau auf den nächsten artikel|kommentierte artikel)\b.{0,60}$",
    re.IGNORECASE,
)
HEADLINE_CHARS = 150  # longer lines after such a heading are text, not a list of headlines
_DATE_LINE_MAX = 80
_EVENT_DATE = re.compile(
    r"^(?:termin|einsendeschluss|anmeldeschluss|teilnahmeschluss|deadline|frist|event date|"
    r"thời gian|hạn chót|hạn nộp)\s*:",
    re.IGNORECASE,
)
_LEADING_DATE = re.compile(r"^\W{0,3}(?:\d{1,4}[-/.]\d{1,2}[-/.]\d{1,4}|\d{1,2}:\d{2}\b)")
_CHROME_CLASS = any_of(
    "breadcrumb", "chuyenmuc", "portlet-title", "FolderTitle", "category", "cate-"
)
# Not the post itself, nor the page: WordPress gives both "category-<slug>" classes.
_POST_CLASS = any_of("hentry", "type-post")


def chrome_texts(classed: Classed) -> set[str]:
    """Short texts of the page's navigation chrome (breadcrumbs, section and portlet titles)."""
    chrome = [
        element
        for element, classes in classed
        if _CHROME_CLASS(classes)
        and element.tag not in ("body", "article")
        and not _POST_CLASS(classes)
    ]
    texts: set[str] = set()
    for element in chrome[:50]:
        for text in element.itertext():
            line = clean_line(text)
            if 0 < len(line) <= 60:
                texts.add(line.casefold())
    return texts


_LABEL_WORDS = re.compile(rf"\b(?:{_LABELS})\b", re.IGNORECASE)
_COUNTER_WORDS = re.compile(
    r"\b(?:thống kê|online|đang truy cập|lượt xem|số lượt người xem|số lượt xem|"
    r"tổng lượt truy cập|lượt truy cập|view count)\b",
    re.IGNORECASE,
)


def _residue_only(line: str) -> bool:
    """A line made of labels and counters only ("Số lượt người xem : Bản in")."""
    if len(line) > 80:
        return False
    rest = _COUNTER_WORDS.sub(" ", _LABEL_WORDS.sub(" ", line))
    if rest == line:
        return False  # no label at all: a short line of the article, or a table cell
    return len(re.findall(r"\w", re.sub(r"[\d_]", "", rest))) < 2


def _table_cells(lines: list[str]) -> list[tuple[str, bool]]:
    """Layout tables come out of trafilatura as "| a | b |" rows: one line per cell instead,
    each marked when its row has several cells (a data table's, whose dates are content)."""
    out: list[tuple[str, bool]] = []
    for line in lines:
        if line.startswith("|") and line.endswith("|"):
            cells = [cell.strip() for cell in line.strip("|").split("|") if cell.strip(" -:")]
            out += [(cell, len(cells) > 1) for cell in cells]
        else:
            out.append((line, False))
    return out


def strip_boilerplate(
    lines: list[str], title: str, chrome: Callable[[], set[str]], page_url: str = ""
) -> list[str]:
    """``lines`` without residue; the related-news tail is cut at its heading. The page's own
    address on a line of its own is residue too (a "share this link" box).

    ``chrome`` gives the page's navigation texts; it is called only if a short line leads.
    A date line is residue (a portal's "Cập nhật: 12/05/2020 10:30") unless it stands in a row
    of a data table or among lines that start with dates too (a log, a timetable, code).
    """
    kept: list[str] = []
    title_key = title.casefold().strip()
    cells = _table_cells(lines)
    dated = [bool(_LEADING_DATE.match(line)) for line, _ in cells]
    for index, (line, in_data_row) in enumerate(cells):
        key = line.casefold()
        if _RELATED_HEADING.match(line) and index >= len(cells) // 3:
            break
        if _RELATED_HEADING_ABROAD.match(line):
            if all(len(rest) <= HEADLINE_CHARS for rest, _ in cells[index + 1 :]):
                break
            continue
        among_dates = (index > 0 and dated[index - 1]) or (
            index + 1 < len(dated) and dated[index + 1]
        )
        if (
            _LABEL_LINE.match(line)
            or _COUNTER_LINE.match(line)
            or _CREDIT_LINE.match(line)
            or _PROMO_LINE.match(line)
            or _NOTICE_LINE.match(line)
            or _residue_only(line)
            or (key == title_key and not kept)
            or line == page_url
            or _RELATED_LINK.match(line)
            or (not kept and len(line) <= 60 and key in chrome())
            or (_is_date_line(line) and not in_data_row and not among_dates)
        ):
            continue
        kept.append(line)
    return kept


def _is_date_line(line: str) -> bool:
    """A short line that is a date with a label or a time, not a sentence that mentions one,
    nor the date of an event or a deadline the text announces ("Termin: 29.02.2020, 19 Uhr")."""
    if len(line) > _DATE_LINE_MAX or line.endswith(".") or _EVENT_DATE.match(line):
        return False
    if published_iso(line) is None:
        return False
    words = re.sub(r"[\d/:.,|()\-+]", " ", line).split()
    return len(words) <= 6
