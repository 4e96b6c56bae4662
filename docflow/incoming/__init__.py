"""Incoming letters (naskah masuk): registration in the unit's agenda book, and the disposisi tree."""
