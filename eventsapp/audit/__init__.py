"""The audit log: who changed what, when, with the values before and after.

Services write it themselves, in the transaction of the change (``services.record``); nothing
in the app updates or deletes an entry, and a database trigger refuses it on SQLite and
PostgreSQL. The package sits low in the layers (it imports no domain: actors and objects are
read by duck typing); its pages (``routes``) and API (``api``) sit at the top, beside admin.
"""
from flask import Blueprint

bp = Blueprint("audit", __name__)
