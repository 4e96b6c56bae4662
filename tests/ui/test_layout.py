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
