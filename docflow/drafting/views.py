"""Pages of drafting: start a letter from a template; administer the templates."""
from __future__ import annotations

from flask import Blueprint

bp = Blueprint("drafting", __name__)
