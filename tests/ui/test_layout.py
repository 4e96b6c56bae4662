"""Every page shares one layout: one script file loaded from the head, a title holding only text."""
from __future__ import annotations

import re

import pytest

from tests.fixtures import make_pdf
from tests.ui.helpers import api_letter

SCRIPT_TAG = re.compile(r"<script\b[^>]*>", re.IGNORECASE)


def _head_and_body(html: str) -> tuple[str, str]:
    head, _, body = html.partition("</head>")
    return head, body


@pytest.mark.parametrize("path", ["/", "/documents", "/documents/new", "/search", "/archive", "/profile"])
def test_each_page_loads_docflow_js_once_from_the_head(client, make_user, login, path):
    login(make_user())
    html = client.get(path).get_data(as_text=True)
    head, body = _head_and_body(html)
    assert SCRIPT_TAG.findall(head) == ['<script src="/static/docflow.js" defer>']
    assert SCRIPT_TAG.findall(body) == []


def test_a_document_title_is_the_only_text_of_the_page_title(client, make_user, login, token_for):
    user = make_user()
    doc = api_letter(client, token_for(user), make_pdf("Undangan"), title="Undangan <b>rapat</b>")
    login(user)
    html = client.get(f"/documents/{doc['id']}").get_data(as_text=True)
    title = re.search(r"<title>(.*?)</title>", html, re.DOTALL).group(1)
    assert title == "Undangan &lt;b&gt;rapat&lt;/b&gt; · Docflow"


def test_stored_codes_are_shown_by_their_names_in_the_readers_language(client, make_user, login, token_for):
    """Does a page say "Konsep" and "Biasa", never the stored codes draft and biasa, in Indonesian and English?"""
    user = make_user()
    doc = api_letter(client, token_for(user), make_pdf("Undangan"), title="Undangan rapat", urgency="amat_segera",
                     security_class="terbatas")
    login(user)
    english = client.get(f"/documents/{doc['id']}").get_data(as_text=True)
    assert "<dd>Draft</dd>" in english and "<dd>Restricted (Terbatas)</dd>" in english
    assert "<dd>Very urgent (Amat Segera)</dd>" in english
    client.set_cookie("lang", "id")
    indonesian = client.get(f"/documents/{doc['id']}").get_data(as_text=True)
    assert "<dd>Konsep</dd>" in indonesian and "<dd>amat_segera</dd>" not in indonesian
    listing = client.get("/documents").get_data(as_text=True)
    assert "<td>Konsep</td>" in listing and "<td>draft</td>" not in listing


def test_an_unknown_code_is_shown_as_stored():
    """Does a code without a name (from a newer version, say) still show, as it is stored?"""
    from docflow.labels import event_label, state_label

    assert state_label("archived_elsewhere") == "archived_elsewhere"
    assert event_label(None) == ""
