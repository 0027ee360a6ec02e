"""Text on the knowledge pages: marked query words are escaped; phone numbers in articles are tel: links."""

from bot.web.highlight import highlight
from bot.web.render import article_html, tel_href


def test_the_query_words_are_marked_and_everything_else_escaped():
    marked = str(highlight('Praat <b onclick="x">met jongeren</b> over complotdenken & wantrouwen', "jongere complot"))
    assert "<mark>jongeren</mark>" in marked and "<mark>complotdenken</mark>" in marked
    assert "<b" not in marked and "&lt;b onclick=&#34;x&#34;&gt;" in marked and "&amp;" in marked
    assert str(highlight("Een titel", "<script>alert(1)</script>")) == "Een titel"


def test_a_query_with_html_marks_nothing_that_could_run():
    marked = str(highlight("script alert", "<script>alert</script>"))
    assert marked == "<mark>script</mark> <mark>alert</mark>"


def test_phone_numbers_in_an_article_become_tel_links():
    html = article_html("Bel **112**, de Advieslijn (070 333 45 58) of de politie via 0900-8844.")
    assert '<a href="tel:112"' in html
    assert '<a href="tel:+31703334558" rel="noopener noreferrer">070 333 45 58</a>' in html
    assert '<a href="tel:09008844" rel="noopener noreferrer">0900-8844</a>' in html


def test_numbers_that_are_no_phone_numbers_and_links_stay_as_they_are():
    html = article_html("Codes als 88 en 1488, bijgewerkt 2026-11-28. [070 333 45 58](https://example.org) `0800-2000`")
    assert "tel:" not in html


def test_an_article_body_still_cannot_run_anything():
    html = article_html('<script>alert(1)</script> <a href="javascript:alert(1)">112</a> <img src=x onerror=alert(1)>')
    assert "<script" not in html and "javascript:" not in html and "onerror" not in html and "<img" not in html


def test_tel_href_dials_from_anywhere_where_it_can():
    assert tel_href("070 333 45 58") == "tel:+31703334558"
    assert tel_href("0800-2000") == "tel:08002000" and tel_href("112") == "tel:112"
