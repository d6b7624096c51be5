"""Rules of the generic layer on small made-up pages: the title an old template hides, the
lead in bold, dates that are content, captions that are not."""

from pipelines.extraction import extract_article

FETCHED_AT = "2025-06-15T05:00:00+00:00"


_SITE = "Cổng thông tin điện tử huyện Đức Thọ"
_PARAGRAPHS = "".join(
    f"<p>Đoạn {n}: các xã trong huyện đã hoàn thành kế hoạch, người dân đồng tình ủng hộ.</p>"
    for n in range(1, 6)
)


def _portal_page(heading: str, body: str) -> bytes:
    """An old portal template: the site's name as <title>, no <h1>, the title in a styled div."""
    return (
        f'<html><head><title>{_SITE}</title><meta property="og:site_name" content="{_SITE}">'
        f'</head><body><div class="menu"><a href="/">Trang chủ</a></div>{heading}'
        f'<div class="noidung">{body}</div></body></html>'
    ).encode()


def test_the_title_in_a_styled_div_is_found_by_the_url_slug():
    heading = (
        '<div style="font-size:16px;font-weight:bold;color:#0a4">'
        "Hội nghị tổng kết công tác năm 2024 của huyện</div>"
    )
    url = "http://ductho.hatinh.gov.vn/tin-tuc/hoi-nghi-tong-ket-cong-tac-nam-2024-cua-huyen-1234.html"
    article = extract_article(url, _portal_page(heading, _PARAGRAPHS), {}, FETCHED_AT)
    assert article.title == "Hội nghị tổng kết công tác năm 2024 của huyện"


def test_the_site_name_is_never_the_title():
    url = "http://ductho.hatinh.gov.vn/tin/1234.html"  # no slug to find the title by
    article = extract_article(url, _portal_page("", _PARAGRAPHS), {}, FETCHED_AT)
    assert article.title != _SITE
    assert "Đoạn 3" in article.text


def test_a_first_paragraph_in_bold_is_the_lead():
    lead = "Sáng 12/5, Ủy ban nhân dân huyện tổ chức hội nghị sơ kết công tác sáu tháng đầu năm."
    url = "http://ductho.hatinh.gov.vn/tin-tuc/so-ket-sau-thang-dau-nam-55.html"
    page = _portal_page(
        "<h1>Sơ kết sáu tháng đầu năm</h1>", f"<p><strong>{lead}</strong></p>" + _PARAGRAPHS
    )
    article = extract_article(url, page, {}, FETCHED_AT)
    assert article.lead == lead
    assert not article.text.startswith("Sáng 12/5") and "Đoạn 1" in article.text


def test_dates_in_data_tables_and_logs_are_content_a_date_line_is_not():
    paragraph = (
        "<p>" + "The release went out after a long week of testing and review. " * 4 + "</p>"
    )
    table = (
        "<table><tr><th>Date</th><th>Release</th></tr>"
        "<tr><td>2019-03-01</td><td>Version 1.0</td></tr>"
        "<tr><td>2019-04-15</td><td>Version 1.1</td></tr></table>"
    )
    log = "<pre>2019-03-01 12:00:01\n2019-03-01 12:05:42\n2019-03-01 12:09:13</pre>"
    body = (
        "<html><body><article><h1>Release notes for the spring</h1>"
        "<p>Updated: 2019-05-02 10:30</p>"
        f"{paragraph}{table}{paragraph}{log}{paragraph}</article></body></html>"
    ).encode()
    article = extract_article(
        "https://example.org/notes/spring-release-notes", body, {}, FETCHED_AT
    )
    assert "2019-04-15" in article.text and "Version 1.1" in article.text
    assert "2019-03-01 12:05:42" in article.text
    assert "Updated: 2019-05-02" not in article.text


def test_a_centred_paragraph_under_a_picture_is_text_on_a_foreign_page():
    """A review centred under its picture, a quotation in italics beside one, and a sentence that
    begins with "Online" are the article's text, not captions or a visitor counter."""
    paragraph = "<p>" + "We spent a whole evening at the theatre and enjoyed every minute. " * 3
    body = (
        "<html><body><article><h1>What our visitors said</h1>"
        f"{paragraph}</p>"
        '<p style="text-align:center"><img src="/a.jpg"></p>'
        '<p style="text-align:center">The costumes and the music were wonderful, and the '
        "actors invited us on stage at the end.</p>"
        '<p><img src="/b.jpg"><em>“Why are we talking about leadership?”</em></p>'
        "<p>Online business owners tend to be introverts.</p>"
        f"{paragraph}</p></article></body></html>"
    ).encode()
    article = extract_article("https://example.org/blog/visitors", body, {}, FETCHED_AT)
    assert "The costumes and the music were wonderful" in article.text
    assert "Online business owners tend to be introverts." in article.text
    assert not any(image["caption"] for image in article.images)


def test_labels_and_links_to_other_articles_are_residue():
    paragraph = "<p>" + "The council approved the new budget after a long debate. " * 3 + "</p>"
    body = (
        "<html><body><article><h1>Council approves the budget</h1>"
        f"{paragraph}<p>Read more: Mayor opens the new bridge</p>{paragraph}"
        "<p>Xem thêm: Hội nghị tổng kết năm 2024</p>"
        f"{paragraph}<p>Comments</p></article></body></html>"
    ).encode()
    article = extract_article("https://example.org/news/budget", body, {}, FETCHED_AT)
    assert "The council approved" in article.text
    for residue in ("Read more", "Xem thêm", "Comments"):
        assert residue not in article.text


def test_trafilatura_leaves_the_page_it_reads_whole():
    """The page is parsed once and handed to trafilatura as it is: trafilatura must prune a copy
    (its bare_extraction does), since images, bylines and dates are read from the page after."""
    import lxml.html

    from pipelines.extraction.core import _trafilatura
    from pipelines.extraction.html import parse

    html = _portal_page(
        "<h1>Tiêu đề</h1>", _PARAGRAPHS + '<div id="comments"><p>Bình luận</p></div>'
    )
    doc = parse(html.decode())
    before = lxml.html.tostring(doc)
    assert "Đoạn 1" in _trafilatura(doc, "http://ductho.hatinh.gov.vn/a.html", fast=True)
    assert lxml.html.tostring(doc) == before


def test_teaser_links_and_notices_of_foreign_news_sites_are_residue():
    from pipelines.extraction.boilerplate import strip_boilerplate

    paragraph = "Der Stadtrat hat am Montag den Haushalt beschlossen, nach langer Debatte. " * 3
    lines = [
        "Anzeige, enthält Affiliate Links",
        paragraph,
        "Lesen Sie auch: Neue Brücke über den Rhein eröffnet",
        "Auch interessant",  # a teaser box inside the text: its heading goes, the text stays
        paragraph.replace("Montag", "Dienstag"),
        "Subscribe now to our eNATION edition for the full story.",
        "Weitere Artikel zum Thema",
        "Haushalt 2024: Was sich ändert",
        "Brückenbau verzögert sich",
    ]
    kept = strip_boilerplate(lines, "Haushalt beschlossen", lambda: set())
    assert kept == [paragraph, paragraph.replace("Montag", "Dienstag")]


def test_a_teaser_heading_before_long_paragraphs_does_not_cut_them():
    from pipelines.extraction.boilerplate import strip_boilerplate

    paragraph = "Il remake della serie animata arriverà su Netflix con dodici episodi. " * 3
    lines = [paragraph, "Leggi anche", paragraph.replace("dodici", "tredici")]
    kept = strip_boilerplate(lines, "Remake", lambda: set())
    assert kept == [paragraph, paragraph.replace("dodici", "tredici")]


def test_an_event_date_is_text_a_publication_date_is_residue():
    from pipelines.extraction.boilerplate import strip_boilerplate

    paragraph = "Die Verkostung findet im Gewölbekeller statt, Anmeldung per E-Mail erbeten. " * 3
    lines = [
        "Aktualisiert: 12.01.2020 10:30",
        paragraph,
        "Termin: 29.02.2020, 19 Uhr",
        "Einsendeschluss: 03.11.2019 (Poststempel)",
        "Dowiedz się więcej: Kto jak głosował ws. unijnych funduszy?",
        "Online-Pressemappe - alle Pressemitteilungen der Firma | RSS-Feed abonnieren",
        "Image illustrative : Lego Minifigures, licence Creative Commons",
    ]
    kept = strip_boilerplate(lines, "Whisky-Tasting", lambda: set())
    assert kept == [paragraph, "Termin: 29.02.2020, 19 Uhr", lines[3]]
